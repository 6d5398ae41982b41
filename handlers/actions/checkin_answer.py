"""The reporter's buttons on a check-in DM: I'm OK / I'd like to talk / Stop check-ins."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, Respond

from bot.checkins import ids
from bot.checkins.interactions import answer_checkin
from bot.deps import deps_of


def handle_checkin_answer(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: Respond,
    context: dict[str, Any],
) -> None:
    ack()
    reply = answer_checkin(
        deps_of(context),
        user_id=body["user"]["id"],
        raw_id=str(action.get("value") or ""),
        response=ids.BUTTON_ANSWERS.get(action["action_id"], ""),
    )
    if reply:
        respond(text=reply, response_type="ephemeral", replace_original=False)
