"""「今すぐ助けが必要 / I need help now」 on the App Home or in `/harassment help`."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.deps import deps_of
from handlers.sos_opening import open_sos_modal


def handle_sos_open(
    ack: Ack, body: dict[str, Any], client: WebClient, context: dict[str, Any]
) -> None:
    ack()
    open_sos_modal(
        client, deps_of(context), trigger_id=body["trigger_id"], user_id=body["user"]["id"]
    )
