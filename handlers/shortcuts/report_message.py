from __future__ import annotations

from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.deps import deps_of
from bot.report.form import Prefill
from bot.report.links import message_permalink
from bot.slack_markup import known_names, names_from, slack_text_to_plain
from handlers.opening import open_report_modal


def handle_report_message_shortcut(
    ack: Ack, shortcut: dict[str, Any], client: WebClient, context: dict[str, Any]
) -> None:
    ack()
    message = shortcut.get("message") or {}
    permalink = message_permalink(
        team_domain=(shortcut.get("team") or {}).get("domain"),
        channel_id=(shortcut.get("channel") or {}).get("id"),
        ts=message.get("ts") or shortcut.get("message_ts"),
    )
    open_report_modal(
        client,
        deps_of(context),
        trigger_id=shortcut["trigger_id"],
        user_id=shortcut["user"]["id"],
        prefill=Prefill(
            narrative=slack_text_to_plain(
                str(message.get("text") or ""), names_from(known_names(shortcut))
            ),
            permalink=permalink,
        ),
    )
