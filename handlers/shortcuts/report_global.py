from __future__ import annotations

from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.deps import deps_of
from bot.slack.replies import tell_privately
from handlers.opening import open_report_modal


def handle_report_shortcut(
    ack: Ack, shortcut: dict[str, Any], client: WebClient, context: dict[str, Any]
) -> None:
    ack()
    open_report_modal(
        client,
        deps_of(context),
        trigger_id=shortcut["trigger_id"],
        user_id=shortcut["user"]["id"],
        tell=lambda text: tell_privately(shortcut, None, client, text),
    )
