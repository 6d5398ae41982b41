"""`python -m tests.conversation_demo`: one full conversation, printed as each party sees it.

Starts the Slack stand-in and the real app (SQLite in a temporary folder), files an anonymous
report, and plays: a reply with a photo in the receipt's thread, a DM outside any thread, the
desk's signed answer, Ask to share their name (declined), Add information, an edit, and the
withdrawal. Prints the desk's case thread and the reporter's DM thread as plain text.
"""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path
from typing import Any

from bot.conversation import ids
from bot.standin import SlackStandIn
from tests.conversation_support import (
    click_dm_button,
    dm_channel,
    file_report,
    jpeg_with_gps,
    message_reporter,
    receipt,
    wait_dm_text,
    wait_thread_text,
)
from tests.desk_support import click, load, submit
from tests.harness import DESK_CHANNEL, DESK_STAFF, REPORTER_JA, AppHarness, populate_workspace


def _element(element: dict[str, Any]) -> str:
    text = (element.get("text") or {}).get("text") or element.get("type", "")
    return f"[{text}]"


def as_text(message: dict[str, Any], names: dict[str, str]) -> str:
    """A message as a reader sees it: block texts, buttons, files with their uploader."""
    author = names.get(str(message.get("user")), str(message.get("user")))
    lines: list[str] = []
    for block in message.get("blocks") or []:
        kind = block.get("type")
        if kind in ("section", "header") and block.get("text"):
            lines.append(block["text"]["text"])
        elif kind == "section":
            lines.extend(f["text"] for f in block.get("fields", []))
        elif kind == "context":
            lines.append(" ".join(e.get("text", "") for e in block.get("elements", [])))
        elif kind == "actions":
            lines.append(" ".join(_element(e) for e in block.get("elements", [])))
        elif kind == "rich_text":
            lines.append(message.get("text", ""))
    if not lines and message.get("text"):
        lines.append(message["text"])
    for file in message.get("files") or []:
        uploader = names.get(str(file.get("user")), str(file.get("user")))
        lines.append(
            f"[file {file.get('name')} ({file.get('size')} bytes), uploaded by {uploader}]"
        )
    for reaction in message.get("reactions") or []:
        lines.append(f"(reaction :{reaction['name']}:)")
    body = "\n".join(lines).replace("&gt;", ">").replace("&lt;", "<").replace("&amp;", "&")
    indented = "\n".join("    " + line for line in body.splitlines())
    return f"  {author}:\n{indented}"


def transcript(slack: SlackStandIn, channel: str, root_ts: str) -> str:
    names = {slack.BOT_USER_ID: "Harassment Desk (bot)"}
    names.update({uid: u["name"] for uid, u in slack.users.items() if uid != slack.BOT_USER_ID})
    root = slack.find_message(channel, root_ts)
    assert root is not None
    messages = [root, *slack.replies(channel, root_ts)]
    return "\n".join(as_text(m, names) for m in messages)


def play(app: AppHarness) -> tuple[str, str]:
    staff = DESK_STAFF[0]
    case = file_report(app, identity="anonymous")
    root = receipt(app)
    photo = app.slack.add_file(REPORTER_JA, "IMG_0042.jpg", jpeg_with_gps(), mimetype="image/jpeg")
    _, first = app.sender.send_dm(
        REPORTER_JA,
        "補足です。相手は「&lt;!channel&gt; に晒す」と言っていました。写真を添付します。",
        thread_ts=root["ts"],
        files=[photo],
    )
    wait_thread_text(app, case, "補足です")
    app.slack.wait_for(lambda: any(m.get("files") for m in app.slack.replies(
        DESK_CHANNEL, case.desk_message_ts or "")), timeout=20)  # fmt: skip
    app.sender.send_dm(REPORTER_JA, "今日は早退してもよいでしょうか。")
    wait_thread_text(app, case, "早退")
    message_reporter(
        app, case, staff, "ご連絡ありがとうございます。本日は早退して構いません。", signed=True
    )
    wait_dm_text(app, "早退して構いません", root["ts"])
    click(app, load(app, case.id), ids.ASK_NAME_ACTION, staff)
    request = wait_dm_text(app, "お名前を窓口の担当者に", root["ts"])
    click_dm_button(app, request, ids.CONSENT_NO_ACTION)
    wait_thread_text(app, case, "匿名のままを希望しました")
    before = len(app.slack.calls_to("views.open"))
    click_dm_button(app, root, ids.ADD_INFO_ACTION)
    app.slack.wait_for(lambda: len(app.slack.calls_to("views.open")) > before, timeout=10)
    view = app.slack.calls_to("views.open")[-1].response["view"]
    submit(
        app, view, {ids.TEXT_INPUT: "相手の車のナンバーは品川 300 あ 12-34 でした。"}, REPORTER_JA
    )
    wait_thread_text(app, case, "品川")
    edit = app.sender.message_changed_event(
        dm_channel(),
        first["ts"],
        "補足です。相手は「SNSに晒す」と言っていました。写真を添付します。",
    )
    app.sender.event(edit)
    wait_thread_text(app, case, "相談者が編集しました")
    click_dm_button(app, root, ids.WITHDRAW_ACTION)
    wait_thread_text(app, case, "取り下げました")
    wait_dm_text(app, "取り下げたことで不利益な取扱い", root["ts"])
    time.sleep(2)  # let the last re-renders (case message, consent answer) land
    desk = transcript(app.slack, DESK_CHANNEL, load(app, case.id).desk_message_ts or "")
    dm = transcript(app.slack, dm_channel(), root["ts"])
    return desk, dm


def main() -> int:
    with tempfile.TemporaryDirectory() as folder, SlackStandIn() as slack:
        populate_workspace(slack)
        url = f"sqlite:///{Path(folder) / 'demo.db'}"
        with AppHarness(slack, url) as app:
            desk, dm = play(app)
    print("=== The desk channel: the case message and its thread (what desk members see) ===")
    print(desk)
    print()
    print("=== The reporter's DM with the bot: the receipt and its thread (what hanako sees) ===")
    print(dm)
    print(json.dumps({"desk_lines": desk.count("\n"), "dm_lines": dm.count("\n")}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
