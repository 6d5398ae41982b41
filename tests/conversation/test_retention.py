"""Retention covers the conversation: a purge removes its rows, and names the Slack copies."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.conversation import ids
from bot.retention.service import purge
from storage.models import Case, CaseMessage, CheckIn, ConversationThread, EvidenceFile
from storage.repositories import conversation as conversation_repo
from tests.conversation_support import (
    click_dm_button,
    evidence_of,
    file_report,
    message_reporter,
    png_bytes,
    receipt,
    wait_dm_text,
    wait_thread_text,
)
from tests.harness import DESK_STAFF, REPORTER_JA, AppHarness
from tests.platform.test_retention import age_case


def test_a_purged_case_takes_its_conversation_with_it(app: AppHarness) -> None:
    case = file_report(app)
    root = receipt(app)
    photo = app.slack.add_file(REPORTER_JA, "a.png", png_bytes())
    app.sender.send_dm(REPORTER_JA, "証拠です", thread_ts=root["ts"], files=[photo])
    wait_thread_text(app, case, "証拠です")
    message_reporter(app, case, DESK_STAFF[0], "受け取りました")
    wait_dm_text(app, "受け取りました", root["ts"])
    app.slack.wait_for(
        lambda: [e for e in evidence_of(app, case.id) if e.status == "copied"], timeout=20
    )
    with app.deps.sessions() as session:
        objects = conversation_repo.slack_objects_for_purge(session, case.id)
    copy_id = evidence_of(app, case.id)[0].copy_file_id
    assert objects["files"] == [copy_id]
    assert ["D" + REPORTER_JA, root["ts"]] in objects["dm_posts"]  # the receipt
    assert objects["desk_posts"]
    # Withdrawn cases are purged like resolved ones once the retention period is over.
    click_dm_button(app, root, ids.WITHDRAW_ACTION)
    app.slack.wait_for(lambda: _status(app, case.id) == "withdrawn", timeout=30)
    # The withdrawal's own messages first: a purge racing the worker's delivery of them deadlocks
    # on PostgreSQL (both lock the case's outbox rows) and would only succeed at the next run.
    app.slack.wait_for(lambda: app.runtime.health.backlog().waiting == 0, timeout=30)
    now = datetime.now(UTC)
    with app.deps.sessions() as session:
        stored = session.get(Case, case.id)
        assert stored is not None and stored.resolved_at is not None
    month = timedelta(days=30)
    assert purge(app.deps.sessions, None, now=now, retention=month).cases == 0
    # Issue 10: retention counts from the last activity (the conversation included).
    age_case(app, case.id, now - timedelta(days=31))
    assert purge(app.deps.sessions, None, now=now, retention=month).cases == 1
    with app.deps.sessions() as session:
        for model in (CaseMessage, ConversationThread, EvidenceFile):
            assert session.scalars(select(model)).all() == [], model
    # ...and the Slack side goes through the outbox: the bot's copy and its posts.
    app.deps.outbox.kick()
    assert copy_id is not None
    app.slack.wait_for(lambda: app.slack.files[copy_id].get("_deleted"), timeout=30)

    def receipt_gone() -> bool:
        message = app.slack.find_message("D" + REPORTER_JA, root["ts"])
        return message is None or message.get("subtype") == "tombstone"

    app.slack.wait_for(receipt_gone, timeout=30)
    wanted = {ts for _, ts in objects["dm_posts"] + objects["desk_posts"]}

    def all_deleted() -> bool:
        return wanted <= {c.args["ts"] for c in app.slack.calls_to("chat.delete")}

    app.slack.wait_for(all_deleted, timeout=30)
    dm = app.slack.messages("D" + REPORTER_JA)
    assert all(m.get("user") != app.slack.BOT_USER_ID for m in dm), dm


def _status(app: AppHarness, case_id: int) -> str | None:
    with app.deps.sessions() as session:
        case = session.get(Case, case_id)
        return case.status if case else None


def test_a_withdrawn_case_is_purged_on_time_its_cancelled_check_ins_are_not_activity(
    app: AppHarness,
) -> None:
    case = file_report(app)
    root = receipt(app)
    with app.deps.sessions() as session:
        planned = session.scalars(select(CheckIn).where(CheckIn.case_id == case.id)).all()
        assert planned and max(c.due_at for c in planned) > app.deps.clock.now() + timedelta(days=7)
    click_dm_button(app, root, ids.WITHDRAW_ACTION)
    app.slack.wait_for(lambda: _status(app, case.id) == "withdrawn", timeout=30)
    app.slack.wait_for(lambda: app.runtime.health.backlog().waiting == 0, timeout=30)
    # A month and a day after the withdrawal: the last check-in would have been due later still,
    # but it was cancelled with the case, so nothing about the case happened within the month.
    later = app.deps.clock.now() + timedelta(days=31)
    assert purge(app.deps.sessions, None, now=later, retention=timedelta(days=30)).cases == 1
    assert _status(app, case.id) is None
