"""urgent pings: at most one desk mention per reporter per window

Revision ID: 0008_urgent_pings
Revises: 0007_legal_hold
Create Date: 2026-12-01 22:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_urgent_pings"
down_revision: str | None = "0007_legal_hold"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "urgent_pings",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("reporter_user_id", sa.String(length=32), nullable=False),
        sa.Column("pinged_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("case_id"),
    )
    op.create_index(op.f("ix_urgent_pings_reporter_user_id"), "urgent_pings", ["reporter_user_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_urgent_pings_reporter_user_id"), table_name="urgent_pings")
    op.drop_table("urgent_pings")
