"""Outbox rows name only what the bot posted: the retention purge deletes what they name."""

from __future__ import annotations

from datetime import UTC, datetime

from alembic import command
from sqlalchemy import select

from bot.conversation import ids as conversation_ids
from bot.export import ids as export_ids
from bot.stats import ids as stats_ids
from storage.db import alembic_config, make_engine, migrate
from storage.models import OutboxMessage, OutboxStatus
from storage.repositories import outbox as outbox_repo
from tests.harness import REPORTER_JA, keyed_sessions

BEFORE = "0009_desk_message_digest"


def test_targets_recorded_for_work_that_was_not_a_post_are_forgotten(database_url: str) -> None:
    """Rows written before the fix: the ✓'s row named the reporter's message, an upload's a
    file id; the migration forgets them, a post's row keeps its message."""
    engine = make_engine(database_url)
    try:
        command.upgrade(alembic_config(engine), BEFORE)
        sessions = keyed_sessions(engine)
        now = datetime.now(UTC)  # stored only; nothing here depends on the time
        rows = {
            conversation_ids.DELIVERED_MARK: ("D" + REPORTER_JA, "1.000200"),
            conversation_ids.EVIDENCE_COPY: ("C0DESK", ""),
            stats_ids.CHART: ("C0DESK", "F0CHART"),
            export_ids.UPLOAD: ("D" + REPORTER_JA, "F0EXPORT"),
            conversation_ids.TO_DESK: ("C0DESK", "1.000300"),
        }
        with sessions.begin() as session:
            for kind in rows:
                outbox_repo.enqueue(session, kind=kind, dedupe_key=kind, now=now)
        with sessions.begin() as session:
            for row in session.scalars(select(OutboxMessage)):
                row.status = OutboxStatus.DONE
                row.result_channel, row.result_ts = rows[row.kind][0], rows[row.kind][1] or None
        migrate(engine)
        with sessions() as session:
            kept = {
                row.kind: (row.result_channel, row.result_ts)
                for row in session.scalars(select(OutboxMessage))
            }
        assert kept == {
            conversation_ids.DELIVERED_MARK: (None, None),
            conversation_ids.EVIDENCE_COPY: (None, None),
            stats_ids.CHART: (None, None),
            export_ids.UPLOAD: (None, None),
            conversation_ids.TO_DESK: ("C0DESK", "1.000300"),
        }
    finally:
        engine.dispose()
