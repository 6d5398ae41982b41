"""legal hold on cases: the retention purge skips them

Revision ID: 0007_legal_hold
Revises: 0006_desk_staff_generation
Create Date: 2026-12-01 22:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_legal_hold"
down_revision: str | None = "0006_desk_staff_generation"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.add_column(
            sa.Column("legal_hold", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("legal_hold_by", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("legal_hold_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("legal_hold_at")
        batch.drop_column("legal_hold_by")
        batch.drop_column("legal_hold")
