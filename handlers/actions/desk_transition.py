"""Acknowledge and Reopen on the case message: applied at once, authorised and versioned."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from bot.deps import deps_of
from bot.desk.feature import desk_service
from bot.desk.messages import ACTION_BY_ID
from bot.desk.replies import outcome_text
from bot.desk.service import Applied, DeskRequest, parse_button_value
from bot.i18n import t
from handlers.desk_reply import tell_privately


def handle_desk_transition(
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
    desk_action = ACTION_BY_ID[action["action_id"]]
    service = desk_service(deps)
    parsed = parse_button_value(action.get("value"))
    if parsed is None:
        if service.authorise(user_id, desk_action, None):
            text = t("desk.bad_button", deps.profiles.get(user_id).locale)
        else:
            text = t("desk.denied", deps.profiles.get(user_id).locale)
        tell_privately(body, respond, client, text)
        return
    case_id, version = parsed
    outcome = service.apply(
        DeskRequest(actor=user_id, action=desk_action, case_id=case_id, version=version)
    )
    if isinstance(outcome, Applied):
        deps.outbox.kick()
        return
    reply = outcome_text(outcome, deps.profiles.get(user_id).locale)
    if reply:
        tell_privately(body, respond, client, reply)
