"""DMs outside a case thread, retries, edits, deletions, the bot's own messages, bad input."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, text

from bot.conversation import ids
from bot.conversation.service import ConversationService, IncomingDm
from bot.retention.service import purge
from storage.models import OutboxMessage, ProcessedEvent
from storage.repositories import outbox as outbox_repo
from storage.repositories.conversation import RECEIPT_KIND
from tests.conversation_support import (
    click_dm_button,
    dm_channel,
    file_report,
    message_reporter,
    messages_of,
    reacted,
    receipt,
    text_of,
    wait_dm_text,
    wait_thread_text,
)
from tests.desk_support import thread
from tests.harness import DESK_CHANNEL, DESK_STAFF, REPORTER_EN, REPORTER_JA, AppHarness
from tests.platform.test_retention import age_case

STAFF = DESK_STAFF[0]


def test_a_dm_outside_any_thread_with_one_open_case_goes_to_it(app: AppHarness) -> None:
    case = file_report(app)
    _, sent = app.sender.send_dm(REPORTER_JA, "スレッドの外から書きます")
    wait_thread_text(app, case, "スレッドの外から書きます")
    notice = wait_dm_text(app, f"ご報告 {case.reference} に関する連絡として")
    assert notice.get("thread_ts") == sent["ts"]  # the answer sits under their message
    app.slack.wait_for(lambda: reacted(app, dm_channel(), sent["ts"]), timeout=30)


def test_with_several_open_cases_the_reporter_picks_one(app: AppHarness) -> None:
    first = file_report(app)
    second = file_report(app)
    _, sent = app.sender.send_dm(REPORTER_JA, "どちらかの件です")
    question = wait_dm_text(app, "どのご報告に関するご連絡でしょうか")
    labels = [e["text"]["text"] for b in question["blocks"] if b["type"] == "actions"
              for e in b["elements"]]  # fmt: skip
    assert labels == [second.reference, first.reference]  # newest first
    [pending] = messages_of(app)
    assert pending.case_id is None
    click_dm_button(app, question, f"{ids.ROUTE_ACTION}_1")
    wait_thread_text(app, first, "どちらかの件です")
    assert "どちらかの件です" not in json.dumps(thread(app, second), ensure_ascii=False)

    def answered() -> bool:
        message = app.slack.find_message(dm_channel(), question["ts"]) or {}
        return first.reference in text_of(message) and '"actions"' not in json.dumps(message)

    app.slack.wait_for(answered, timeout=30)
    assert [m.case_id for m in messages_of(app)] == [first.id]
    # Another person cannot route someone else's message.
    payload = app.sender.block_actions(
        f"{ids.ROUTE_ACTION}_0",
        value=f"{pending.id}:{second.id}",
        user_id=REPORTER_EN,
        channel_id=dm_channel(REPORTER_EN),
        message_ts=question["ts"],
    )
    app.sender.interaction(payload)
    assert [m.case_id for m in messages_of(app)] == [first.id]
    assert sent["ts"]


def test_with_no_case_the_form_is_offered(app: AppHarness) -> None:
    app.sender.send_dm(REPORTER_EN, "hello?")
    notice = wait_dm_text(app, "You have no open report", user_id=REPORTER_EN)
    assert "open_report" in json.dumps(notice)  # the Report button
    assert messages_of(app) == []  # nothing stored without a case


def test_a_reply_in_another_cases_thread_goes_to_that_case(app: AppHarness) -> None:
    first = file_report(app)
    second = file_report(app)
    root_first = receipt(app, REPORTER_JA, first.reference)
    app.sender.send_dm(REPORTER_JA, "最初の件について", thread_ts=root_first["ts"])
    wait_thread_text(app, first, "最初の件について")
    assert "最初の件について" not in json.dumps(thread(app, second), ensure_ascii=False)


def test_a_retried_event_is_stored_once(app: AppHarness) -> None:
    case = file_report(app)
    root = receipt(app)
    message = app.slack.post_user_message(REPORTER_JA, "一度だけ", thread_ts=root["ts"])
    event = app.sender.dm_event(message)
    assert app.sender.event(event, event_id="EvRETRY1").status == 200
    assert app.sender.event(event, event_id="EvRETRY1", retry_num=1).status == 200
    # Even under another event id (a replay after a restart), the message is one row.
    assert app.sender.event(event, event_id="EvRETRY2", retry_num=2).status == 200
    wait_thread_text(app, case, "一度だけ")
    assert len(messages_of(app, case.id)) == 1
    copies = [m for m in thread(app, case) if "一度だけ" in text_of(m)]
    assert len(copies) == 1


def test_edits_and_deletions_are_mirrored_in_the_case_thread(app: AppHarness) -> None:
    case = file_report(app)
    root = receipt(app)
    _, sent = app.sender.send_dm(REPORTER_JA, "午後3時ごろでした", thread_ts=root["ts"])
    wait_thread_text(app, case, "午後3時ごろでした")
    edit = app.sender.message_changed_event(dm_channel(), sent["ts"], "午後4時ごろでした")
    assert app.sender.event(edit).status == 200
    edited = wait_thread_text(app, case, "午後4時ごろでした")
    assert "相談者が編集しました" in edited and "午後3時" not in edited
    deletion = app.sender.message_deleted_event(dm_channel(), sent["ts"])
    assert app.sender.event(deletion).status == 200
    wait_thread_text(app, case, "相談者がこのメッセージを削除しました")
    [stored] = messages_of(app, case.id)
    assert stored.text == "" and stored.deleted_at is not None
    assert "午後4時" not in json.dumps(thread(app, case), ensure_ascii=False)


def test_the_bots_own_messages_and_edits_are_ignored(app: AppHarness) -> None:
    case = file_report(app)
    root = receipt(app)
    message_reporter(app, case, STAFF, "窓口から")
    posted = wait_dm_text(app, "窓口から", root["ts"])
    echo = app.sender.dm_event({**posted, "channel": dm_channel()})
    assert app.sender.event(echo).status == 200
    changed = {
        "type": "message",
        "subtype": "message_changed",
        "message": {**posted, "text": "edited by bot"},
        "previous_message": posted,
        "channel": dm_channel(),
        "hidden": True,
        "ts": posted["ts"],
        "event_ts": posted["ts"],
        "channel_type": "im",
    }
    assert app.sender.event(changed).status == 200
    assert [m.direction for m in messages_of(app, case.id)] == ["out"]


def test_blank_and_emoji_only_messages(app: AppHarness) -> None:
    case = file_report(app)
    root = receipt(app)
    app.sender.send_dm(REPORTER_JA, " \u3000\n\u200b ", thread_ts=root["ts"])
    wait_dm_text(app, "メッセージが空のようでしたので", root["ts"])
    app.sender.send_dm(REPORTER_JA, ":pray: :bow:", thread_ts=root["ts"])
    wait_thread_text(app, case, ":pray: :bow:")
    assert [m.text for m in messages_of(app, case.id)] == [":pray: :bow:"]


def test_a_40000_character_message_is_relayed_whole_and_mentions_stay_inert(
    app: AppHarness,
) -> None:
    case = file_report(app)
    root = receipt(app)
    long_text = ("<!channel> &lt;b&gt; <@U0DESK0002> " + "長" * 990 + "\n") * 39
    long_text = long_text[:40_000]
    app.sender.send_dm(REPORTER_JA, long_text, thread_ts=root["ts"])
    relayed = app.slack.wait_for(
        lambda: [m for m in thread(app, case) if "相談者より" in text_of(m)], timeout=15
    )[0]
    assert "<!channel>" not in json.dumps(relayed) and "<@U0DESK0002>" not in json.dumps(relayed)
    assert "@channel" in text_of(relayed) and "&amp;lt;b&amp;gt;" not in text_of(relayed)
    shown = "".join(b["text"]["text"] for b in relayed["blocks"] if b["type"] == "section")
    assert shown.count("長") == long_text.count("長")  # nothing cut
    assert not [c for c in app.slack.calls_to("chat.postMessage") if not c.response.get("ok")]
    # Desk -> reporter: what the desk types is shown, never parsed as a mention.
    message_reporter(app, case, STAFF, "<!here> <@U0REPJA001> & co")
    dm = wait_dm_text(app, "&amp; co", root["ts"])
    assert "<!here>" not in json.dumps(dm) and "&lt;!here&gt;" in text_of(dm)


def test_a_dm_about_a_purged_case_is_answered_plainly(app: AppHarness) -> None:
    case = file_report(app)
    root = receipt(app)
    now = datetime.now(UTC)
    age_case(app, case.id, now - timedelta(days=40))
    assert purge(app.deps.sessions, None, now=now, retention=timedelta(days=30)).cases == 1
    app.sender.send_dm(REPORTER_JA, "まだ対応中ですか", thread_ts=root["ts"])
    wait_dm_text(app, "保存期間を過ぎたため記録が削除されており", root["ts"])
    assert messages_of(app) == []


def test_a_dm_longer_than_slack_allows_is_refused_with_a_message(app: AppHarness) -> None:
    case = file_report(app)
    root = receipt(app)
    app.sender.send_dm(REPORTER_JA, "あ" * 40_001, thread_ts=root["ts"])
    wait_dm_text(app, "40,000文字", root["ts"])
    assert messages_of(app, case.id) == []
    app.sender.send_dm(REPORTER_JA, "あ" * 40_000, thread_ts=root["ts"])
    app.slack.wait_for(lambda: len(messages_of(app, case.id)) == 1, timeout=30)


def test_edits_and_deletions_only_by_the_writer_in_their_own_dm(app: AppHarness) -> None:
    case = file_report(app)
    root = receipt(app)
    _, sent = app.sender.send_dm(REPORTER_JA, "本人の文章です", thread_ts=root["ts"])
    wait_thread_text(app, case, "本人の文章です")
    service = app.deps.service(ConversationService)
    # Signed forgeries: another person as the editor, or the writer in a channel not their DM.
    assert not service.edit_dm(REPORTER_EN, dm_channel(), sent["ts"], "書き換え")
    assert not service.edit_dm(REPORTER_JA, DESK_CHANNEL, sent["ts"], "書き換え")
    assert not service.delete_dm(REPORTER_EN, dm_channel(), sent["ts"])
    [stored] = messages_of(app, case.id)
    assert stored.text == "本人の文章です" and stored.deleted_at is None
    # Through Slack's path, an edit event whose author is someone else changes nothing either;
    # the writer's own edit that follows it is mirrored.
    forged = app.sender.message_changed_event(dm_channel(), sent["ts"], "書き換え")
    forged["message"]["user"] = REPORTER_EN
    assert app.sender.event(forged).status == 200
    own = app.sender.message_changed_event(dm_channel(), sent["ts"], "本人の訂正です")
    assert app.sender.event(own).status == 200
    wait_thread_text(app, case, "本人の訂正です")
    assert "書き換え" not in json.dumps(thread(app, case), ensure_ascii=False)


def test_a_dm_naming_a_channel_that_is_not_the_writers_dm_is_not_answered(
    app: AppHarness,
) -> None:
    case = file_report(app)
    receipt(app)

    def receipt_recorded() -> bool:  # the outbox notes where it went just after Slack took it
        with app.deps.sessions() as session:
            return outbox_repo.delivered(session, case.id, RECEIPT_KIND) is not None

    app.slack.wait_for(receipt_recorded, timeout=30)
    service = app.deps.service(ConversationService)
    forged_ts = "1700000000.000100"
    for user, channel in ((REPORTER_JA, DESK_CHANNEL), (REPORTER_EN, dm_channel())):
        dm = IncomingDm(
            user_id=user,
            channel=channel,
            ts=forged_ts,
            thread_ts=None,
            text="どこにでも答えさせる",
        )
        assert service.receive_dm(dm).status == "not_own_dm"
    # Nothing stored and no answer queued: every answer to a DM is an outbox row naming its ts.
    assert messages_of(app) == []
    with app.deps.sessions() as session:
        keys = session.scalars(select(OutboxMessage.dedupe_key)).all()
    assert not [key for key in keys if forged_ts in key]


@contextmanager
def failing_message_store(app: AppHarness) -> Iterator[None]:
    """Every insert of a conversation message fails, as in a database failover, while the
    rest of the database (the event-id claim among it) still works."""
    engine = app.deps.core.engine
    postgres = engine.dialect.name == "postgresql"
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE failover_gone (x INTEGER)"))
        if postgres:
            connection.execute(
                text(
                    "CREATE FUNCTION failover() RETURNS trigger LANGUAGE plpgsql AS "
                    "$$ BEGIN INSERT INTO failover_gone VALUES (1); RETURN NEW; END $$"
                )
            )
            connection.execute(
                text(
                    "CREATE TRIGGER failover BEFORE INSERT ON case_messages "
                    "FOR EACH ROW EXECUTE FUNCTION failover()"
                )
            )
        else:
            connection.execute(
                text(
                    "CREATE TRIGGER failover BEFORE INSERT ON case_messages "
                    "BEGIN INSERT INTO failover_gone VALUES (1); END"
                )
            )
        connection.execute(text("DROP TABLE failover_gone"))
    try:
        yield
    finally:
        with engine.begin() as connection:
            connection.execute(
                text("DROP TRIGGER failover" + (" ON case_messages" if postgres else ""))
            )
            if postgres:
                connection.execute(text("DROP FUNCTION failover()"))


def test_a_dm_whose_storing_failed_is_stored_from_slacks_retry(app: AppHarness) -> None:
    case = file_report(app)
    root = receipt(app)
    message = app.slack.post_user_message(REPORTER_JA, "障害中の連絡です", thread_ts=root["ts"])
    event = app.sender.dm_event(message)

    def claimed() -> bool:
        with app.deps.sessions() as session:
            return session.get(ProcessedEvent, "EvFAILOVER") is not None

    with failing_message_store(app):
        # Claimed before the ack; released once the listener's store failed (it may already be).
        assert app.sender.event(event, event_id="EvFAILOVER").status == 200
        app.slack.wait_for(lambda: not claimed(), timeout=30)
    assert messages_of(app, case.id) == []
    assert app.sender.event(event, event_id="EvFAILOVER", retry_num=1).status == 200
    wait_thread_text(app, case, "障害中の連絡です")
    assert len(messages_of(app, case.id)) == 1
