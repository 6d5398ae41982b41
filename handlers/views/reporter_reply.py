"""The reporter's reply typed in the modal of the desk's messages: relayed to the desk like a
reply in the DM thread. An empty reply just closes the modal."""

from __future__ import annotations

import json
from typing import Any

from slack_bolt import Ack

from bot.access import ids
from bot.conversation.service import ConversationService
from bot.deps import deps_of
from bot.i18n import t


def handle_reporter_reply(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], context: dict[str, Any]
) -> None:
    deps = deps_of(context)
    user_id = body["user"]["id"]
    values = (view.get("state") or {}).get("values") or {}
    entry = (values.get(ids.REPLY_BLOCK) or {}).get(ids.REPLY_INPUT) or {}
    text = str(entry.get("value") or "") if isinstance(entry, dict) else ""
    try:
        meta = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        meta = {}
    case_id = meta.get("case_id") if isinstance(meta, dict) else None
    if not text.strip():
        ack()
        return
    if not isinstance(case_id, int):
        ack(response_action="errors", errors={ids.REPLY_BLOCK: t("conv.error.gone", "en")})
        return
    outcome = deps.service(ConversationService).reply(user_id, case_id, text)
    if outcome.error is not None:
        locale = outcome.locale if outcome.reference else deps.profiles.get(user_id).locale
        ack(response_action="errors", errors={ids.REPLY_BLOCK: t(outcome.error, locale)})
        return
    ack()
    deps.outbox.kick()
