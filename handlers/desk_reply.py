"""Desk button clicks: reading them, refusing the unreadable ones privately."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from slack_bolt import Respond
from slack_sdk import WebClient

from bot.deps import Deps, deps_of
from bot.desk.service import DeskService
from bot.desk.states import BY_BUTTON, Action
from bot.i18n import t
from bot.slack.replies import tell_privately


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
    desk_action = BY_BUTTON[action["action_id"]].action
    service = deps.service(DeskService)
    click = service.read_click(user_id, desk_action, action.get("value"))
    if isinstance(click, str):
        tell_privately(body, respond, client, t(click, deps.profiles.get(user_id).locale))
        return None
    case_id, version = click
    return DeskClick(deps, service, user_id, desk_action, case_id, version)
