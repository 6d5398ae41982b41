"""Telling the person behind a request something only they see."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackClientError

log = logging.getLogger(__name__)


def requester(body: dict[str, Any]) -> tuple[str | None, str | None]:
    """(user id, channel id) of a slash command or an interaction payload."""
    user = body.get("user_id") or (body.get("user") or {}).get("id")
    channel = (
        body.get("channel_id")
        or (body.get("channel") or {}).get("id")
        or (body.get("container") or {}).get("channel_id")
    )
    return user, channel


def tell_privately(
    body: dict[str, Any], respond: Respond | None, client: WebClient, text: str
) -> None:
    """The response_url when Slack sent one (it works in any channel, also ones the bot is not
    in), else an ephemeral in the channel, else a DM. A failure is logged, never raised: this
    is how errors are reported, so it must not become one."""
    user, channel = requester(body)
    if not user:
        return
    try:
        if respond is not None and body.get("response_url"):
            respond(text=text, response_type="ephemeral", replace_original=False)
        elif channel:
            client.chat_postEphemeral(channel=channel, user=user, text=text)
        else:
            client.chat_postMessage(channel=user, text=text)
    except SlackClientError as exc:
        log.warning("could not tell %s privately: %s", user, exc)
