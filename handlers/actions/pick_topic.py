"""A topic chosen in the guidance menu replaces the private answer with that topic."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, Respond

from bot.deps import deps_of
from bot.guidance.messages import topic_answer


def handle_pick_topic(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: Respond,
    context: dict[str, Any],
) -> None:
    ack()
    deps = deps_of(context)
    key = (action.get("selected_option") or {}).get("value", "")
    locale = deps.profiles.get(body["user"]["id"]).locale
    answer = topic_answer(deps.guidance, key, locale, deps.settings.hotline_url)
    # The answer is ephemeral, so only its response_url can change it.
    respond(
        text=answer.text,
        blocks=answer.blocks,
        response_type="ephemeral",
        replace_original=True,
    )
