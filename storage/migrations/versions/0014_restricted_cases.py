"""restricted cases: a lead keeps a case to named handlers; the reporter's exclusions; requests
for access

Revision ID: 0014_restricted_cases
Revises: 0013_access_log
Create Date: 2026-12-08 00:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014_restricted_cases"
down_revision: str | None = "0013_access_log"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _case_fk() -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(["case_id"], ["cases.id"], ondelete="CASCADE")


def upgrade() -> None:
    op.create_table(
        "case_restrictions",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("restricted_by", sa.String(length=32), nullable=False),
        sa.Column("restricted_at", sa.DateTime(timezone=True), nullable=False),
        _case_fk(),
        sa.PrimaryKeyConstraint("case_id"),
    )
    op.create_table(
        "case_handlers",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        _case_fk(),
        sa.PrimaryKeyConstraint("case_id", "user_id"),
    )
    op.create_table(
        "case_exclusions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Text(), nullable=False),
        _case_fk(),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_case_exclusions_case_id"), "case_exclusions", ["case_id"])
    op.create_table(
        "access_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.String(length=32), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        _case_fk(),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_access_requests_case_id"), "access_requests", ["case_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_access_requests_case_id"), table_name="access_requests")
    op.drop_table("access_requests")
    op.drop_index(op.f("ix_case_exclusions_case_id"), table_name="case_exclusions")
    op.drop_table("case_exclusions")
    op.drop_table("case_handlers")
    op.drop_table("case_restrictions")
