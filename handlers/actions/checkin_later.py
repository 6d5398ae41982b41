"""The reporter's "Remind me later" choice on a check-in DM (in 1 hour / tomorrow)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, Respond

from bot.checkins.interactions import answer_later
from bot.deps import deps_of


def handle_checkin_later(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: Respond,
    context: dict[str, Any],
) -> None:
    ack()
    selected = (action.get("selected_option") or {}).get("value") or ""
    reply = answer_later(deps_of(context), user_id=body["user"]["id"], selected=str(selected))
    if reply:
        respond(text=reply, response_type="ephemeral", replace_original=False)
