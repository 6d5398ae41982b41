from __future__ import annotations

from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.bounds import message_permalink
from bot.deps import deps_of
from bot.report.modals import Prefill
from bot.slack.markup import known_names, names_from, slack_text_to_plain, user_mention
from bot.slack.replies import tell_privately
from handlers.opening import open_report_modal


def handle_report_message_shortcut(
    ack: Ack, shortcut: dict[str, Any], client: WebClient, context: dict[str, Any]
) -> None:
    ack()
    message = shortcut.get("message") or {}
    # None unless every part looks like what Slack sends (a forged domain is no link).
    permalink = message_permalink(
        (shortcut.get("team") or {}).get("domain"),
        (shortcut.get("channel") or {}).get("id"),
        message.get("ts") or shortcut.get("message_ts"),
    )
    user_id = shortcut["user"]["id"]
    names = names_from(known_names(shortcut))
    open_report_modal(
        client,
        deps_of(context),
        trigger_id=shortcut["trigger_id"],
        user_id=user_id,
        tell=lambda text: tell_privately(shortcut, None, client, text),
        prefill=Prefill(
            narrative=slack_text_to_plain(str(message.get("text") or ""), names),
            permalink=permalink,
            reporter_mentions=(user_mention(user_id, names), f"<@{user_id}>", f"@{user_id}"),
        ),
    )
