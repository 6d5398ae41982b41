"""The desk's check-in buttons on a case message: schedule an extra one / cancel the rest."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, Respond

from bot.checkins.interactions import desk_change
from bot.deps import deps_of


def handle_checkin_desk(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: Respond,
    context: dict[str, Any],
) -> None:
    ack()
    reply = desk_change(
        deps_of(context),
        user_id=body["user"]["id"],
        raw_case_id=str(action.get("value") or ""),
        action=action["action_id"],
    )
    if reply:
        respond(text=reply, response_type="ephemeral", replace_original=False)
