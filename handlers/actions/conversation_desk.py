"""Desk buttons on the case message: Message the reporter (opens the modal), Ask to share their
name (applied at once). Both are checked on the server and audited."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from bot.bounds import parse_id
from bot.conversation import ids
from bot.conversation.messages import message_modal
from bot.conversation.service import ConversationService
from bot.deps import deps_of
from bot.i18n import t
from bot.slack.replies import tell_privately


def handle_conversation_desk(
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
    locale = deps.profiles.get(user_id).locale
    service = deps.service(ConversationService)
    raw = action.get("value")
    name = "message_reporter" if action["action_id"] == ids.MESSAGE_REPORTER_ACTION else "ask_name"
    parsed = parse_id(raw)
    if parsed is None:
        key = "desk.bad_button" if service.authorise(user_id, name, None) else "desk.denied"
        tell_privately(body, respond, client, t(key, locale))
        return
    case_id = parsed
    if action["action_id"] == ids.MESSAGE_REPORTER_ACTION:
        outcome = service.check_desk(user_id, case_id, name)
        if outcome.error is None:
            view = message_modal(case_id=case_id, reference=outcome.reference, locale=locale)
            client.views_open(trigger_id=body["trigger_id"], view=view)
    else:
        outcome = service.ask_name(user_id, case_id)
    if outcome.error is not None:
        tell_privately(body, respond, client, t(outcome.error, locale))
        return
    deps.outbox.kick()
