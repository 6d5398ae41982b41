"""access_log: every read of case content, append-only and hash-chained

Revision ID: 0013_access_log
Revises: 0012_encrypt_case_text
Create Date: 2026-12-08 00:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013_access_log"
down_revision: str | None = "0012_encrypt_case_text"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "access_log",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("actor_user_id", sa.String(32), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("at", UTC_TIME, nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("row_hash", sa.String(64), nullable=False),
    )
    op.create_index("ix_access_log_case_id", "access_log", ["case_id"])


def downgrade() -> None:
    op.drop_index("ix_access_log_case_id", table_name="access_log")
    op.drop_table("access_log")
