"""The retention purge, end to end: Slack, the database and its files."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update
from sqlalchemy.engine import make_url

from bot.standin import SlackStandIn
from storage.models import Base, Case, CaseEvent, CaseMessage, CheckIn, OutboxMessage
from storage.repositories import awareness as awareness_repo
from storage.repositories import customers as customers_repo
from tests.desk_support import click, report, wait_private_reply, wait_thread
from tests.harness import (
    DESK_CHANNEL,
    DESK_STAFF,
    OUTSIDER,
    PROJECT_ROOT,
    REPORTER_EN,
    AppHarness,
    base_env,
    same_clock,
)
from tests.home.test_home import open_home, wait_home

NARRATIVE = "Kasuhara narrative 7f3a: he said he knows where I live."
KEPT = "Held narrative 91bc: kept for the court case."
OLD = timedelta(days=4 * 365)


def age(app: AppHarness, case_id: int) -> None:
    """Make the case's whole history four years old (the default RETENTION is 1095 days)."""
    age_case(app, case_id, datetime.now(UTC) - OLD)


def age_case(app: AppHarness, case_id: int, past: datetime) -> None:
    """Move the case's whole history (row, audit trail, conversation, check-ins) to `past`."""
    with app.deps.sessions.begin() as session:
        session.execute(
            update(CaseMessage).where(CaseMessage.case_id == case_id).values(created_at=past)
        )
        session.execute(
            update(Case).where(Case.id == case_id).values(created_at=past, updated_at=past)
        )
        session.execute(
            update(CaseEvent).where(CaseEvent.case_id == case_id).values(created_at=past)
        )
        # Sent long ago (were they left due, the running app would send them now: activity).
        session.execute(
            update(CheckIn)
            .where(CheckIn.case_id == case_id)
            .values(due_at=past, sent_at=past, status="sent")
        )


def run_cli(app: AppHarness, *args: str) -> str:
    env = {**base_env(app.slack, app.database_url), "PATH": "/usr/bin:/bin", **same_clock()}
    done = subprocess.run(
        [sys.executable, "-m", "bot", "purge", *args],
        env=env,
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout + done.stderr


def every_row(app: AppHarness) -> str:
    with app.deps.sessions() as session:
        rows = [
            json.dumps([str(v) for v in row], ensure_ascii=False)
            for table in Base.metadata.sorted_tables
            for row in session.execute(select(table))
        ]
    return "\n".join(rows)


def all_slack_text(app: AppHarness, channel: str) -> str:
    messages = app.slack.messages(channel)
    replies = [r for m in messages for r in app.slack.replies(channel, m["ts"])]
    return json.dumps([*messages, *replies], ensure_ascii=False)


def test_an_unresolved_case_past_retention_is_deleted_in_slack_and_everywhere(
    app: AppHarness,
) -> None:
    case = report(app, REPORTER_EN, narrative=NARRATIVE)  # never acknowledged, never resolved
    held = report(app, DESK_STAFF[1], narrative=KEPT)
    click(app, held, "desk_acknowledge", DESK_STAFF[0])
    wait_thread(app, held, lambda texts: len(texts) >= 1)
    app.slack.wait_for(lambda: app.slack.dms(REPORTER_EN))
    open_home(app, REPORTER_EN)
    wait_home(app, REPORTER_EN, case.reference)
    desk_ts = case.desk_message_ts
    assert desk_ts
    human = app.slack.post_as_user(DESK_CHANNEL, DESK_STAFF[0], "I'll call her", desk_ts)
    app.slack.wait_for(lambda: len(app.slack.replies(DESK_CHANNEL, desk_ts)) >= 2)
    with app.deps.sessions.begin() as session:
        session.execute(
            update(Case)
            .where(Case.id == held.id)
            .values(legal_hold=True, legal_hold_by=DESK_STAFF[0], legal_hold_at=datetime.now(UTC))
        )
    # The register's audit names the case, and the reporter clicked Got it on an awareness post.
    now = app.deps.clock.now()
    with app.deps.sessions.begin() as session:
        customers_repo.audit(
            session,
            customer_id=None,
            actor=DESK_STAFF[0],
            action="read:case",
            now=now,
            detail={"case": case.reference, "suggested": []},
        )
        post_id = awareness_repo.claim_slot(
            session, slot_at=now, item_key="k", sequence=1, channel_id="C0GENERAL1", now=now
        )
        assert post_id is not None
        assert awareness_repo.record_read(session, post_id, REPORTER_EN, now)
    age(app, case.id)
    age(app, held.id)
    assert NARRATIVE in all_slack_text(app, DESK_CHANNEL)

    # Dry run: counts only, nothing deleted.
    dry = run_cli(app, "--dry-run")
    assert "would delete 1 cases" in dry
    assert case.reference not in dry and REPORTER_EN not in dry
    with app.deps.sessions() as session:  # stored sealed: read through the app
        kept = session.get(Case, case.id)
        assert kept is not None and NARRATIVE in kept.narrative

    out = run_cli(app)
    # The person's reply is not the bot's: not tried, not counted (it was, before: "not
    # deletable 1", with its channel and ts in the audit line).
    assert "deleted 1 cases" in out and "not deletable 0" in out, out
    assert case.reference not in out and REPORTER_EN not in out and NARRATIVE not in out

    # Slack: the desk message, its thread (but the person's reply) and the reporter's DM.
    desk = all_slack_text(app, DESK_CHANNEL)
    assert NARRATIVE not in desk and case.reference not in desk
    assert app.slack.find_message(DESK_CHANNEL, human) is not None
    assert case.reference not in json.dumps(app.slack.dms(REPORTER_EN), ensure_ascii=False)
    assert app.slack.calls_to("chat.delete")
    assert human not in {call.args.get("ts") for call in app.slack.calls_to("chat.delete")}
    # The held case is untouched.
    assert KEPT in desk

    # The conversation feature deletes its own Slack objects through the outbox (rows holding
    # Slack ids only); once delivered, the next run removes those rows too.
    def slack_purges_pending() -> bool:
        with app.deps.sessions() as session:
            rows = session.scalars(
                select(OutboxMessage).where(OutboxMessage.dedupe_key.like("purge:%"))
            )
            return any(row.status in ("pending", "sending") for row in rows)

    app.slack.wait_for(lambda: not slack_purges_pending(), timeout=30)
    assert "deleted 0 cases" in run_cli(app)

    # The database: nothing names the case or its reporter; one audit line, the day only.
    rows = every_row(app)
    for needle in (NARRATIVE, case.reference, REPORTER_EN):
        assert needle not in rows, needle
    with app.deps.sessions() as session:
        [line] = session.scalars(select(CaseEvent).where(CaseEvent.action == "purged"))
        assert line.case_id is None
        assert (line.created_at.hour, line.created_at.minute, line.created_at.second) == (0, 0, 0)
        assert line.after is not None and line.after["cases"] == 1
        assert line.after["slack_not_deleted"] == {}
        assert DESK_CHANNEL not in json.dumps(line.after) and human not in json.dumps(line.after)
        assert session.get(Case, held.id) is not None

    # SQLite: the text is not left in the database file or its WAL.
    url = make_url(app.database_url)
    if url.get_backend_name() == "sqlite":
        assert url.database
        for suffix in ("", "-wal"):
            path = Path(url.database + suffix)
            if path.exists():
                assert NARRATIVE.encode() not in path.read_bytes(), path


def test_recent_activity_keeps_a_case(app: AppHarness) -> None:
    case = report(app, REPORTER_EN, narrative=NARRATIVE)
    age(app, case.id)
    click(app, case, "desk_acknowledge", DESK_STAFF[0])  # activity today
    app.slack.wait_for(lambda: wait_thread(app, case, lambda texts: len(texts) >= 1))
    assert "deleted 0 cases" in run_cli(app)
    with app.deps.sessions() as session:
        assert session.get(Case, case.id) is not None


@pytest.fixture
def with_lead(slack: SlackStandIn, database_url: str) -> Iterator[AppHarness]:
    env = {"DESK_LEADS": DESK_STAFF[0]}
    with AppHarness(slack, database_url, env_overrides=env) as app:
        yield app


def test_a_desk_lead_puts_a_case_on_legal_hold_and_the_purge_keeps_it(
    with_lead: AppHarness,
) -> None:
    app = with_lead
    case = report(app, REPORTER_EN, narrative=KEPT)
    assert (
        app.sender.command("/harassment", f"hold {case.reference}", user_id=DESK_STAFF[1]).status
        == 200
    )
    assert (
        app.sender.command("/harassment", f"hold {case.reference}", user_id=OUTSIDER).status == 200
    )
    assert (
        app.sender.command("/harassment", f"hold {case.reference}", user_id=DESK_STAFF[0]).status
        == 200
    )
    replies = wait_private_reply(app, 3)
    for needle in ("保全を設定できるのは、アプリの設定", "Only the desk leads", "保全しました"):
        assert any(needle in reply for reply in replies), (needle, replies)
    with app.deps.sessions() as session:
        stored = session.get(Case, case.id)
        assert stored is not None
        assert (stored.legal_hold, stored.legal_hold_by) == (True, DESK_STAFF[0])
        actions = [
            (e.action, e.actor_user_id)
            for e in session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id))
        ]
    assert ("legal_hold", DESK_STAFF[0]) in actions
    assert ("denied:legal_hold", OUTSIDER) in actions
    age(app, case.id)
    assert "deleted 0 cases" in run_cli(app)
    assert KEPT in all_slack_text(app, DESK_CHANNEL)
