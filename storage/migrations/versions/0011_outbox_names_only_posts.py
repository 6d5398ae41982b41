"""outbox rows name only what the bot posted: forget the targets recorded for other work

Before, a delivery that was not a post kept whatever (channel, ts) its work returned: the ✓
reaction's row named the reporter's own message, an upload's row a file id as if it were a
message ts. The retention purge deletes what outbox rows name, so it tried to delete the
reporters' messages (Slack answers cant_delete_message) and wrote where they were into its
audit line. The app no longer records them; this forgets those recorded before. Data only.

Revision ID: 0011_outbox_names_only_posts
Revises: 0010_customer_identifier_keys
Create Date: 2026-12-07 22:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_outbox_names_only_posts"
down_revision: str | None = "0010_customer_identifier_keys"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The kinds whose deliveries are not posts (bot.conversation.ids.DELIVERED_MARK and
# EVIDENCE_COPY, bot.stats.ids.CHART, bot.export.ids.UPLOAD), as their values were then.
NOT_POSTS = ("conversation.delivered", "evidence.copy", "stats.chart", "export.upload")


def upgrade() -> None:
    outbox = sa.table(
        "outbox",
        sa.column("kind", sa.String),
        sa.column("result_channel", sa.String),
        sa.column("result_ts", sa.String),
    )
    op.execute(
        outbox.update()
        .where(outbox.c.kind.in_(NOT_POSTS))
        .values(result_channel=None, result_ts=None)
    )


def downgrade() -> None:
    pass  # what was forgotten is not known any more, and was wrong to keep
