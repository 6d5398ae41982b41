"""「確認しました / Got it」 on an awareness post: count the click, thank the person privately."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, Respond

from bot.awareness.service import record_read
from bot.deps import deps_of
from bot.i18n import t


def handle_awareness_got_it(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: Respond,
    context: dict[str, Any],
) -> None:
    ack()
    deps = deps_of(context)
    result = record_read(deps.sessions, deps.clock, body["user"]["id"], str(action.get("value")))
    # The post is bilingual, so the thanks is too (the clicker's locale is not in the payload).
    respond(text=t(result.reply_key, "ja"), response_type="ephemeral", replace_original=False)
