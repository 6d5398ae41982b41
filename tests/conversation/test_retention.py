"""Retention covers the conversation: a purge removes its rows, and names the Slack copies."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.conversation import ids
from bot.retention.service import purge
from storage.models import (
    Case,
    CaseEvent,
    CaseMessage,
    CheckIn,
    ConversationThread,
    EvidenceFile,
    OutboxMessage,
)
from storage.repositories import conversation as conversation_repo
from tests.conversation_support import (
    click_dm_button,
    evidence_of,
    file_report,
    message_reporter,
    png_bytes,
    reacted,
    receipt,
    wait_dm_text,
    wait_thread_text,
)
from tests.harness import DESK_CHANNEL, DESK_STAFF, REPORTER_JA, AppHarness
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
    # Retention counts from the last activity (the conversation included).
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


def test_the_purge_deletes_only_what_the_bot_posted(app: AppHarness) -> None:
    """The ✓ on a reporter's message, and people's replies in the desk thread, are not the
    bot's posts: the purge does not try to delete them, count them, or write where they are."""
    case = file_report(app)
    root = receipt(app)
    dm = "D" + REPORTER_JA
    _, reply = app.sender.send_dm(REPORTER_JA, "相談の続きです", thread_ts=root["ts"])
    _, top = app.sender.send_dm(REPORTER_JA, "もう一つあります")
    app.slack.wait_for(lambda: all(reacted(app, dm, m["ts"]) for m in (reply, top)), timeout=30)
    assert case.desk_message_ts
    staff = app.slack.post_as_user(DESK_CHANNEL, DESK_STAFF[0], "確認します", case.desk_message_ts)
    app.slack.wait_for(lambda: app.runtime.health.backlog().waiting == 0, timeout=30)
    people = {reply["ts"], top["ts"], staff}
    with app.deps.sessions() as session:
        named = {
            ts
            for (ts,) in session.execute(
                select(OutboxMessage.result_ts).where(OutboxMessage.case_id == case.id)
            )
        }
    assert not named & people  # before: the ✓ rows named the reporter's messages

    now = app.deps.clock.now()
    age_case(app, case.id, now - timedelta(days=31))
    result = purge(app.deps.sessions, app.deps.core.client, now=now, retention=timedelta(days=30))
    assert result.cases == 1 and result.slack_deleted > 0
    assert not result.slack_not_deleted

    def purge_rows_done() -> bool:
        with app.deps.sessions() as session:
            rows = session.scalars(
                select(OutboxMessage).where(OutboxMessage.dedupe_key.like("purge:%"))
            ).all()
            return bool(rows) and all(r.status == "done" for r in rows)

    app.deps.outbox.kick()
    app.slack.wait_for(purge_rows_done, timeout=30)
    deletes = app.slack.calls_to("chat.delete")
    assert deletes
    assert not people & {str(c.args["ts"]) for c in deletes}
    assert all(c.response.get("error") != "cant_delete_message" for c in deletes)
    for theirs in (reply, top):  # still in their DM: not the bot's to delete
        assert app.slack.find_message(dm, theirs["ts"]) is not None
    assert app.slack.find_message(DESK_CHANNEL, staff) is not None
    with app.deps.sessions() as session:
        [line] = session.scalars(select(CaseEvent).where(CaseEvent.action == "purged"))
        audit = json.dumps(line.after)
    assert dm not in audit and DESK_CHANNEL not in audit
    assert not any(ts in audit for ts in people)
