"""The case conversation, end to end through the stand-in: events signed over HTTP, both DBs."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from bot.conversation import ids
from storage.models import Case, CaseEvent
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
from tests.desk_support import actions_of, case_message, load, thread
from tests.harness import DESK_CHANNEL, DESK_STAFF, OUTSIDER, REPORTER_EN, REPORTER_JA, AppHarness

STAFF = DESK_STAFF[0]


def test_reporter_reply_in_the_receipt_thread_reaches_the_case_thread(app: AppHarness) -> None:
    case = file_report(app, identity="anonymous")
    root = receipt(app)
    response, sent = app.sender.send_dm(REPORTER_JA, "もう一つ思い出しました", thread_ts=root["ts"])
    assert response.status == 200
    relayed = wait_thread_text(app, case, "もう一つ思い出しました")
    assert "相談者より" in relayed
    app.slack.wait_for(lambda: reacted(app, dm_channel(), sent["ts"]), timeout=30)
    [stored] = messages_of(app, case.id)
    assert (stored.direction, stored.author_kind, stored.text) == ("in", "reporter", sent["text"])
    assert stored.source_ts == sent["ts"] and stored.copy_ts
    assert "conversation.from_reporter" in actions_of(app, case.id)

    def unread_shown() -> bool:
        return "未読メッセージ 1 件" in text_of(case_message(app, load(app, case.id)))

    app.slack.wait_for(unread_shown, timeout=30)
    for message in thread(app, case):
        assert REPORTER_JA not in json.dumps(message) and "hanako" not in json.dumps(message)


def test_desk_message_reaches_the_reporter_and_is_copied_to_the_case_thread(
    app: AppHarness,
) -> None:
    case = file_report(app, REPORTER_EN, identity="anonymous")
    root = receipt(app, REPORTER_EN)
    app.sender.send_dm(REPORTER_EN, "Are you there?", thread_ts=root["ts"])
    wait_thread_text(app, case, "Are you there?")
    assert message_reporter(app, case, STAFF, "Yes, we read your report.", signed=True) is None
    dm = wait_dm_text(app, "Yes, we read your report.", root["ts"], REPORTER_EN)
    assert "A message from the consultation desk" in text_of(dm)
    assert f"<@{STAFF}>, consultation desk" in text_of(dm)
    copy = wait_thread_text(app, case, "Yes, we read your report.")
    assert f"<@{STAFF}>" in copy and "本人の名前" in copy
    unsigned = message_reporter(app, case, DESK_STAFF[1], "Second note")
    assert unsigned is None
    dm = wait_dm_text(app, "Second note", root["ts"], REPORTER_EN)
    assert DESK_STAFF[1] not in text_of(dm) and "— The consultation desk" in text_of(dm)

    def unread_cleared() -> bool:
        return "未読" not in text_of(case_message(app, load(app, case.id)))

    app.slack.wait_for(unread_cleared, timeout=30)
    with app.deps.sessions() as session:
        events = session.scalars(
            select(CaseEvent).where(CaseEvent.action == "conversation.to_reporter")
        ).all()
        assert [e.actor_user_id for e in events] == [STAFF, DESK_STAFF[1]]


def test_only_desk_staff_may_message_the_reporter(app: AppHarness) -> None:
    case = file_report(app)
    payload = app.sender.block_actions(
        ids.MESSAGE_REPORTER_ACTION,
        user_id=OUTSIDER,
        channel_id=DESK_CHANNEL,
        message_ts=case.desk_message_ts,
    )
    assert app.sender.interaction(payload).status == 200
    app.slack.wait_for(lambda: app.slack.calls_to("response_url"), timeout=30)
    assert not [c for c in app.slack.calls_to("views.open") if c.args.get("view", {}).get(
        "callback_id") == ids.MESSAGE_VIEW]  # fmt: skip
    assert "denied:conv_message_reporter" in actions_of(app, case.id)


def test_consent_yes_names_the_case_and_no_tells_the_desk(app: AppHarness) -> None:
    case = file_report(app, identity="anonymous")
    root = receipt(app)
    from tests.desk_support import click

    click(app, load(app, case.id), ids.ASK_NAME_ACTION, STAFF)
    request = wait_dm_text(app, "お名前を窓口の担当者に", root["ts"])
    wait_thread_text(app, case, "名前を窓口に伝えてよいか")
    click_dm_button(app, request, ids.CONSENT_YES_ACTION)
    wait_thread_text(app, case, f"相談者が名前の共有に同意しました: <@{REPORTER_JA}>")
    app.slack.wait_for(lambda: load(app, case.id).identity == "named", timeout=30)
    app.slack.wait_for(
        lambda: f"<@{REPORTER_JA}>" in text_of(case_message(app, load(app, case.id))), timeout=10
    )
    assert "identity_shared" in actions_of(app, case.id)

    def answered() -> dict[str, Any] | None:
        message = app.slack.find_message(dm_channel(), request["ts"])
        return message if message and '"actions"' not in json.dumps(message) else None

    assert "お名前を窓口の担当者にお伝えしました" in text_of(
        app.slack.wait_for(answered, timeout=30)
    )

    other = file_report(app, identity="anonymous")
    root2 = receipt(app, REPORTER_JA, other.reference)
    click(app, load(app, other.id), ids.ASK_NAME_ACTION, STAFF)
    request2 = wait_dm_text(app, other.reference, root2["ts"])
    click_dm_button(app, request2, ids.CONSENT_NO_ACTION)
    wait_thread_text(app, other, "相談者は匿名のままを希望しました")
    assert load(app, other.id).identity == "anonymous"
    assert "identity_declined" in actions_of(app, other.id)


def test_withdraw_stops_checkins_and_tells_the_desk(app: AppHarness) -> None:
    case = file_report(app)
    root = receipt(app)
    click_dm_button(app, root, ids.WITHDRAW_ACTION)
    wait_thread_text(app, case, "相談者がこのご報告を取り下げました")
    wait_dm_text(app, "取り下げたことで不利益な取扱いを受けることは一切ありません", root["ts"])
    stored = load(app, case.id)
    assert stored.status == "withdrawn"
    with app.deps.sessions() as session:
        from storage.models import CheckIn

        statuses = {
            c.status for c in session.scalars(select(CheckIn).where(CheckIn.case_id == case.id))
        }
        assert statuses <= {"cancelled"}
    app.slack.wait_for(
        lambda: "取り下げ(相談者による)" in text_of(case_message(app, load(app, case.id))),
        timeout=30,
    )
    assert ids.MESSAGE_REPORTER_ACTION not in text_of(case_message(app, load(app, case.id)))

    def receipt_without_buttons() -> bool:
        stored = app.slack.find_message(dm_channel(), root["ts"]) or {}
        return ids.WITHDRAW_ACTION not in json.dumps(stored) and "取り下げ済み" in text_of(stored)

    app.slack.wait_for(receipt_without_buttons, timeout=30)
    # Writing in the withdrawn case's thread is answered plainly, not relayed.
    app.sender.send_dm(REPORTER_JA, "やっぱり相談したい", thread_ts=root["ts"])
    wait_dm_text(app, "取り下げられているため", root["ts"])
    assert [m.kind for m in messages_of(app, case.id)] == []


def test_add_information_from_the_receipt(app: AppHarness) -> None:
    case = file_report(app)
    root = receipt(app)
    before = len(app.slack.calls_to("views.open"))
    click_dm_button(app, root, ids.ADD_INFO_ACTION)
    app.slack.wait_for(lambda: len(app.slack.calls_to("views.open")) > before, timeout=30)
    view = app.slack.calls_to("views.open")[-1].response["view"]
    from tests.desk_support import submit

    assert submit(app, view, {ids.TEXT_INPUT: "相手は名刺を置いていきました"}, REPORTER_JA) is None
    relayed = wait_thread_text(app, case, "相手は名刺を置いていきました")
    assert "追加情報" in relayed
    wait_dm_text(app, "追加情報を、相談窓口にお送りしました", root["ts"])
    assert "details_added" in actions_of(app, case.id)
    with app.deps.sessions() as session:
        assert session.get(Case, case.id) is not None


def test_the_desk_app_home_counts_unread_reporter_messages(app: AppHarness) -> None:
    app.sender.event({"type": "app_home_opened", "user": STAFF, "tab": "home"})
    case = file_report(app)
    root = receipt(app)
    app.sender.send_dm(REPORTER_JA, "一通目", thread_ts=root["ts"])
    app.sender.send_dm(REPORTER_JA, "二通目", thread_ts=root["ts"])
    wait_thread_text(app, case, "二通目")

    def home_shows(needle: str) -> bool:
        view = app.slack.home_view(STAFF)
        return view is not None and needle in json.dumps(view, ensure_ascii=False)

    app.slack.wait_for(lambda: home_shows("相談者からの未読 2 件"), timeout=30)
    message_reporter(app, case, STAFF, "拝見しました")
    app.slack.wait_for(lambda: not home_shows("相談者からの未読"), timeout=30)
