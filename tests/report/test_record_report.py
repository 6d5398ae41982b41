"""Storing a report (bot/report/service.record_report) without Slack: one transaction holds the
case, its audit event, its outbox rows and every report hook's rows; a repeated submission key
stores nothing twice; a database failure reaches the caller as ReportNotSaved."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from bot.report import DESK_MESSAGE, REPORTER_DM
from bot.report.fields import TEXT_FIELDS
from bot.report.modals import ReportDraft
from bot.report.service import RecordedReport, ReportNotSaved, ReportPolicy, record_report
from storage.db import SessionFactory, make_engine, migrate
from storage.models import Case, CaseEvent, OutboxMessage
from tests.harness import keyed_sessions

NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
POLICY = ReportPolicy(
    desk_channel_id="C0DESK", ack_sla=timedelta(hours=4), urgent_sla_fraction=0.25
)


def draft(*, in_danger: bool = False, **texts: str) -> ReportDraft:
    return ReportDraft(
        categories=("mental",),
        occurred_at=NOW - timedelta(hours=1),
        contact_channel="phone",
        customer_type="customer",
        texts={field.block_id: texts.get(field.block_id, "") for field in TEXT_FIELDS},
        in_danger=in_danger,
        identity="anonymous",
        checkins_wanted=True,
        police_consent=False,
        source_permalink=None,
    )


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    migrate(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def sessions(engine: Engine) -> SessionFactory:
    return keyed_sessions(engine)


def record(
    sessions: SessionFactory, report: ReportDraft, key: str = "k", **kwargs: Any
) -> RecordedReport:
    """record_report with this file's reporter, policy and time unless `kwargs` say otherwise."""
    arguments: dict[str, Any] = {
        "reporter_user_id": "U1",
        "reporter_locale": "en",
        "policy": POLICY,
        "now": NOW,
        **kwargs,
    }
    return record_report(sessions, draft=report, submission_key=key, **arguments)


def test_a_report_is_stored_with_its_audit_event_and_side_effects(sessions: SessionFactory) -> None:
    hooked: list[int] = []

    def hook(session: Session, case: Case, now: datetime) -> None:
        hooked.append(case.id)

    recorded = record(
        sessions,
        draft(narrative="He shouted.", witnesses="Sato"),
        reporter_user_id="U0REPORTER",
        reporter_locale="ja",
        hooks=(hook,),
    )
    assert recorded.created and recorded.reference == "CH-2026-0001"
    assert hooked == [recorded.case_id]
    with sessions() as session:
        case = session.scalars(select(Case)).one()
        assert (case.narrative, case.witnesses, case.demands) == ("He shouted.", "Sato", "")
        assert (case.status, case.identity, case.desk_channel_id) == ("new", "anonymous", "C0DESK")
        assert case.sla_due_at is not None
        assert case.sla_due_at.replace(tzinfo=UTC) == NOW + timedelta(hours=4)
        events = session.scalars(select(CaseEvent)).all()
        assert [event.action for event in events] == ["reported"]
        assert "He shouted" not in str(events[0].after)
        kinds = sorted(row.kind for row in session.scalars(select(OutboxMessage)))
        assert kinds == sorted([DESK_MESSAGE, REPORTER_DM])


def test_a_repeated_submission_returns_the_first_case_and_stores_nothing_more(
    sessions: SessionFactory,
) -> None:
    first = record(sessions, draft(narrative="a"), "same")
    again = record(sessions, draft(narrative="b"), "same")
    assert (again.case_id, again.reference, again.created) == (
        first.case_id,
        first.reference,
        False,
    )
    with sessions() as session:
        assert [case.narrative for case in session.scalars(select(Case))] == ["a"]
        assert len(session.scalars(select(OutboxMessage)).all()) == 2


def test_in_danger_shortens_the_first_deadline(sessions: SessionFactory) -> None:
    record(sessions, draft(in_danger=True, narrative="x"))
    with sessions() as session:
        due = session.scalars(select(Case)).one().sla_due_at
        assert due is not None and due.replace(tzinfo=UTC) == NOW + timedelta(hours=1)


def test_a_database_failure_is_a_domain_error_and_stores_nothing(sessions: SessionFactory) -> None:
    def broken_hook(session: Session, case: Case, now: datetime) -> None:
        session.execute(text("SELECT * FROM no_such_table"))

    with pytest.raises(ReportNotSaved) as raised:
        record(sessions, draft(narrative="x"), hooks=(broken_hook,))
    assert raised.value.__cause__ is not None
    with sessions() as session:
        assert session.scalars(select(Case)).all() == []
