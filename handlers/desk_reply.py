"""Telling the clicker privately: the response_url when Slack sent one, else an ephemeral."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackClientError

log = logging.getLogger(__name__)


def tell_privately(
    body: dict[str, Any], respond: Respond | None, client: WebClient, text: str
) -> None:
    if respond is not None and body.get("response_url"):
        respond(text=text, response_type="ephemeral", replace_original=False)
        return
    user = (body.get("user") or {}).get("id")
    channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get(
        "channel_id"
    )
    try:
        if user and channel:
            client.chat_postEphemeral(channel=channel, user=user, text=text)
        elif user:
            client.chat_postMessage(channel=user, text=text)
    except SlackClientError as exc:
        log.warning("could not tell %s privately: %s", user, exc)
