from __future__ import annotations

from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.deps import deps_of
from bot.report.modals import Prefill
from bot.slack.links import message_permalink, workspace_url
from handlers.opening import open_report_modal


def handle_report_message_shortcut(
    ack: Ack, shortcut: dict[str, Any], client: WebClient, context: dict[str, Any]
) -> None:
    ack()
    message = shortcut.get("message") or {}
    permalink = message_permalink(
        workspace_url((shortcut.get("team") or {}).get("domain")),
        (shortcut.get("channel") or {}).get("id"),
        message.get("ts") or shortcut.get("message_ts"),
    )
    open_report_modal(
        client,
        deps_of(context),
        trigger_id=shortcut["trigger_id"],
        user_id=shortcut["user"]["id"],
        prefill=Prefill(narrative=message.get("text") or "", permalink=permalink),
    )
