"""digest of the case message as Slack last took it: identical re-renders are not sent

Revision ID: 0009_desk_message_digest
Revises: 0008_urgent_pings
Create Date: 2026-12-02 02:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_desk_message_digest"
down_revision: str | None = "0008_urgent_pings"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("desk_message_digest", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("desk_message_digest")
