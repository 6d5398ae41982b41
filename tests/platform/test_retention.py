"""Closed cases are deleted once the retention period is over (bot/retention/)."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.retention.service import purge_expired_cases
from storage.db import make_session_factory
from storage.models import Case, CaseEvent, OutboxMessage
from tests.harness import DESK_CHANNEL, REPORTER_EN, AppHarness


def test_closed_cases_are_purged_after_the_retention_period(app: AppHarness) -> None:
    view = app.open_report_form(REPORTER_EN)
    app.submit_report(view, user_id=REPORTER_EN)
    app.slack.wait_for(lambda: app.slack.messages(DESK_CHANNEL), timeout=10)
    now = datetime.now(UTC)
    with app.deps.sessions.begin() as session:
        case = session.scalars(select(Case)).one()
        reference = case.reference
        assert purge_expired_cases(session, now=now, retention=timedelta(days=30)) == []
        case.status, case.resolved_at = "resolved", now - timedelta(days=31)
    time.sleep(0.2)
    with app.deps.sessions.begin() as session:
        assert purge_expired_cases(session, now=now, retention=timedelta(days=30)) == [reference]
    sessions = make_session_factory(app.deps.core.engine)
    with sessions() as session:
        assert session.scalars(select(Case)).all() == []
        # What stays in the outbox is the deletion of the case's Slack posts: ids, no case.
        left = session.scalars(select(OutboxMessage)).all()
        assert {row.kind for row in left} <= {"conversation.purge_post", "conversation.purge_file"}
        assert all(row.case_id is None and set(row.payload) <= {"channel", "ts", "file"}
                   for row in left)  # fmt: skip
        purged = session.scalars(select(CaseEvent).where(CaseEvent.action == "purged")).one()
        assert purged.after is not None and purged.after["reference"] == reference
        assert "narrative" not in str(purged.after)
