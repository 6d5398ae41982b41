"""An anonymous reporter stays anonymous to the desk through a whole conversation: their id,
name and the uploader of their files appear in nothing a desk member can read via the API."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from bot.conversation import ids
from storage.models import CaseMessage, ConversationThread, EvidenceFile
from tests.conversation_support import (
    click_dm_button,
    file_report,
    jpeg_with_gps,
    message_reporter,
    receipt,
    wait_dm_text,
    wait_thread_text,
)
from tests.desk_support import click, load, submit, thread
from tests.harness import DESK_CHANNEL, DESK_STAFF, REPORTER_JA, AppHarness

STAFF = DESK_STAFF[0]


def desk_readable(app: AppHarness) -> list[Any]:
    """Everything the API shows desk members: the desk channel's messages and threads (as
    conversations.history/replies return them), every file shared there (files.info), every
    call the app made into the desk channel, their App Homes and what they were told privately."""
    slack = app.slack
    seen: list[Any] = []
    for message in slack.messages(DESK_CHANNEL):
        seen.append(message)
        seen.extend(slack.replies(DESK_CHANNEL, message["ts"]))
    for file in slack.files.values():
        shared = file.get("groups", []) + file.get("channels", [])
        if DESK_CHANNEL in shared:
            seen.append(file)
            assert file["user"] == slack.BOT_USER_ID, file
    for call in slack.calls:
        args = call.args
        if args.get("channel") == DESK_CHANNEL or args.get("channel_id") == DESK_CHANNEL:
            seen.append({"args": args, "response": call.response})
        if call.method == "views.publish" and args.get("user_id") in DESK_STAFF:
            seen.append(args)
        if call.method == "chat.postEphemeral" and args.get("user") in DESK_STAFF:
            seen.append(args)
    for user in DESK_STAFF:
        seen.append(slack.home_view(user))
    return seen


def test_an_anonymous_reporter_never_shows_in_what_the_desk_can_read(app: AppHarness) -> None:
    for user in DESK_STAFF:
        app.sender.event({"type": "app_home_opened", "user": user, "tab": "home"})
    case = file_report(app, identity="anonymous")
    root = receipt(app)
    photo = app.slack.add_file(REPORTER_JA, "IMG_0001.jpg", jpeg_with_gps(), mimetype="image/jpeg")
    app.sender.send_dm(REPORTER_JA, "写真を送ります", thread_ts=root["ts"], files=[photo])
    wait_thread_text(app, case, "写真を送ります")
    app.sender.send_dm(REPORTER_JA, "スレッドの外から")
    wait_thread_text(app, case, "スレッドの外から")
    message_reporter(app, case, STAFF, "ありがとうございます。", signed=True)
    wait_dm_text(app, "ありがとうございます。", root["ts"])
    click(app, load(app, case.id), ids.ASK_NAME_ACTION, STAFF)
    request = wait_dm_text(app, "お名前を窓口の担当者に", root["ts"])
    click_dm_button(app, request, ids.CONSENT_NO_ACTION)
    wait_thread_text(app, case, "相談者は匿名のままを希望しました")
    before = len(app.slack.calls_to("views.open"))
    click_dm_button(app, root, ids.ADD_INFO_ACTION)
    app.slack.wait_for(lambda: len(app.slack.calls_to("views.open")) > before, timeout=30)
    view = app.slack.calls_to("views.open")[-1].response["view"]
    submit(app, view, {ids.TEXT_INPUT: "追加です"}, REPORTER_JA)
    wait_thread_text(app, case, "追加です")

    def copied() -> bool:
        with app.deps.sessions() as session:
            rows = session.scalars(select(EvidenceFile)).all()
            return bool(rows) and all(r.status == "copied" for r in rows)

    app.slack.wait_for(copied, timeout=30)
    app.slack.wait_for(lambda: any(m.get("files") for m in thread(app, case)), timeout=30)
    readable = json.dumps(desk_readable(app), ensure_ascii=False)
    reporter = app.slack.users[REPORTER_JA]
    for needle in {REPORTER_JA, "D" + REPORTER_JA, reporter["name"], reporter["real_name"]}:
        assert needle not in readable, needle
    assert "写真を送ります" in readable and "追加です" in readable  # the check reads the thread
    with app.deps.sessions() as session:
        assert len(session.scalars(select(CaseMessage)).all()) == 4
        assert session.scalars(select(ConversationThread)).one().consent_state == "declined"
