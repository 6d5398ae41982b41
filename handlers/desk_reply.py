"""Desk button clicks: reading them, and telling the clicker privately (the response_url when
Slack sent one, else an ephemeral)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from slack_bolt import Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackClientError

from bot.deps import Deps, deps_of
from bot.desk.feature import desk_service
from bot.desk.messages import ACTION_BY_ID
from bot.desk.service import DeskService
from bot.desk.states import Action
from bot.i18n import t

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


@dataclass(frozen=True)
class DeskClick:
    """A readable click on a desk button: who, which action, which case at which version."""

    deps: Deps
    service: DeskService
    user_id: str
    action: Action
    case_id: int
    version: int

    @property
    def locale(self) -> str:
        return self.deps.profiles.get(self.user_id).locale


def read_desk_click(
    body: dict[str, Any],
    action: dict[str, Any],
    respond: Respond,
    client: WebClient,
    context: dict[str, Any],
) -> DeskClick | None:
    """The click, or None after telling the clicker why it cannot count (refused or garbled)."""
    deps = deps_of(context)
    user_id = body["user"]["id"]
    desk_action = ACTION_BY_ID[action["action_id"]]
    service = desk_service(deps)
    click = service.read_click(user_id, desk_action, action.get("value"))
    if isinstance(click, str):
        tell_privately(body, respond, client, t(click, deps.profiles.get(user_id).locale))
        return None
    case_id, version = click
    return DeskClick(deps, service, user_id, desk_action, case_id, version)
