"""The "Report" button (App Home, help messages) opens the same form as the command."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from bot.deps import deps_of
from bot.slack.replies import tell_privately
from handlers.opening import open_report_modal


def handle_open_report(
    ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient, context: dict[str, Any]
) -> None:
    ack()
    open_report_modal(
        client,
        deps_of(context),
        trigger_id=body["trigger_id"],
        user_id=body["user"]["id"],
        tell=lambda text: tell_privately(body, respond, client, text),
    )
