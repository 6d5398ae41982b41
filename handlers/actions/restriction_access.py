"""*Ask for access* on a private case's notice, and a lead's *Approve* / *Decline*: each answered
privately (the asker, the lead); the service checks, audits and queues the DMs."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from bot.deps import deps_of
from bot.i18n import t
from bot.restriction import ids
from bot.restriction.service import RestrictionService
from bot.slack.replies import tell_privately


def handle_restriction_access(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: Respond,
    client: WebClient,
    context: dict[str, Any],
) -> None:
    ack()
    deps = deps_of(context)
    user_id = body["user"]["id"]
    service = deps.service(RestrictionService)
    action_id = action.get("action_id")
    if action_id == ids.ASK_ACTION:
        key = service.ask(user_id, action.get("value"))
    else:
        key = service.decide(user_id, action_id == ids.APPROVE_ACTION, action.get("value"))
    deps.outbox.kick()
    tell_privately(body, respond, client, t(key, deps.profiles.get(user_id).locale))
