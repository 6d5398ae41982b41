"""The reporter's buttons: Add information and Withdraw (receipt DM), the consent answer, and
which case a DM outside any thread is about. Each checks that the clicker is the reporter."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from bot.bounds import parse_id
from bot.conversation import ids
from bot.conversation.messages import add_info_modal
from bot.conversation.service import ConversationService, ReporterOutcome
from bot.deps import deps_of
from bot.i18n import t
from bot.slack.replies import tell_privately


def _case_id(raw: object) -> int | None:
    return parse_id(raw)


def handle_conversation_reporter(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: Respond,
    client: WebClient,
    context: dict[str, Any],
) -> None:
    ack()
    deps = deps_of(context)
    service = deps.service(ConversationService)
    user_id = body["user"]["id"]
    action_id = str(action["action_id"])
    value = action.get("value")
    outcome: ReporterOutcome
    if action_id.startswith(ids.ROUTE_ACTION):
        message_part, _, case_part = str(value or "").partition(":")
        container = body.get("container") or {}
        message_id, routed_case_id = parse_id(message_part), parse_id(case_part)
        if message_id is None or routed_case_id is None:
            outcome = ReporterOutcome("conv.error.gone")
        else:
            question = (str(container.get("channel_id")), str(container.get("message_ts")))
            outcome = service.route(user_id, message_id, routed_case_id, question)
    else:
        case_id = _case_id(value)
        if case_id is None:
            outcome = ReporterOutcome("conv.error.gone")
        elif action_id == ids.ADD_INFO_ACTION:
            outcome = service.check_reporter(user_id, case_id)
            if outcome.error is None:
                view = add_info_modal(
                    case_id=case_id, reference=outcome.reference, locale=outcome.locale
                )
                client.views_open(trigger_id=body["trigger_id"], view=view)
                return
        elif action_id == ids.WITHDRAW_ACTION:
            outcome = service.withdraw(user_id, case_id)
        else:
            share = action_id == ids.CONSENT_YES_ACTION
            outcome = service.answer_consent(user_id, case_id, share)
    if outcome.error is not None:
        locale = deps.profiles.get(user_id).locale
        tell_privately(body, respond, client, t(outcome.error, locale))
        return
    deps.outbox.kick()
