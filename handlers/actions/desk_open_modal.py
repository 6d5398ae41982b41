"""Assign, Escalate, Add note, Resolve: check on the server, then open the action's modal."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from bot.deps import deps_of
from bot.desk.feature import desk_service
from bot.desk.messages import ACTION_BY_ID
from bot.desk.modals import CaseSummary, ModalMeta, desk_modal
from bot.desk.replies import outcome_text
from bot.desk.service import Allowed, parse_button_value
from bot.i18n import t
from handlers.desk_reply import tell_privately


def handle_desk_open_modal(
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
        allowed = service.authorise(user_id, desk_action, None)
        key = "desk.bad_button" if allowed else "desk.denied"
        tell_privately(body, respond, client, t(key, deps.profiles.get(user_id).locale))
        return
    case_id, version = parsed
    checked = service.check(user_id, desk_action, case_id, version)
    locale = deps.profiles.get(user_id).locale
    if not isinstance(checked, Allowed):
        text = outcome_text(checked, locale)
        if text:
            tell_privately(body, respond, client, text)
        return
    summary = CaseSummary(
        reference=checked.reference,
        status=checked.status,
        police_consent=checked.police_consent,
        assignee_user_id=checked.assignee_user_id,
    )
    view = desk_modal(desk_action, ModalMeta(case_id, version), summary, locale)
    client.views_open(trigger_id=body["trigger_id"], view=view)
