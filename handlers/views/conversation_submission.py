"""Submits of the conversation's modals: the desk's message to the reporter, the reporter's
added information. Field errors keep the modal open with what was typed."""

from __future__ import annotations

import json
from typing import Any

from slack_bolt import Ack

from bot.conversation import ids
from bot.conversation.service import ConversationService
from bot.deps import deps_of
from bot.i18n import t


def _case_id(view: dict[str, Any]) -> int | None:
    try:
        meta = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        return None
    case_id = meta.get("case_id") if isinstance(meta, dict) else None
    return case_id if isinstance(case_id, int) else None


def _value(values: dict[str, Any], block: str, action: str) -> dict[str, Any]:
    entry = (values.get(block) or {}).get(action)
    return entry if isinstance(entry, dict) else {}


def handle_conversation_submission(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], context: dict[str, Any]
) -> None:
    deps = deps_of(context)
    user_id = body["user"]["id"]
    values = (view.get("state") or {}).get("values") or {}
    text = str(_value(values, ids.TEXT_BLOCK, ids.TEXT_INPUT).get("value") or "")
    case_id = _case_id(view)
    service = deps.service(ConversationService)
    if view.get("callback_id") == ids.MESSAGE_VIEW:
        chosen = _value(values, ids.SIGN_BLOCK, ids.SIGN_INPUT).get("selected_options") or []
        signed = any(option.get("value") == ids.SIGN_VALUE for option in chosen)
        outcome = (
            service.send_to_reporter(user_id, case_id, text, signed)
            if case_id is not None
            else None
        )
        error = outcome.error if outcome else "conv.error.gone"
        locale = deps.profiles.get(user_id).locale
    else:
        files = _value(values, ids.FILES_BLOCK, ids.FILES_INPUT).get("files") or []
        reporter = (
            service.add_details(user_id, case_id, text, list(files))
            if case_id is not None
            else None
        )
        error = reporter.error if reporter else "conv.error.gone"
        known = reporter.locale if reporter and reporter.reference else None
        locale = known or deps.profiles.get(user_id).locale
    if error is not None:
        ack(response_action="errors", errors={ids.TEXT_BLOCK: t(error, locale)})
        return
    ack()
    deps.outbox.kick()
