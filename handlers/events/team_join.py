"""Someone joined the workspace: queue the awareness welcome DM (when AWARENESS_WELCOME=on)."""

from __future__ import annotations

from typing import Any

from bot.awareness.service import AwarenessPolicy, welcome_new_member
from bot.deps import deps_of


def handle_team_join(event: dict[str, Any], context: dict[str, Any]) -> None:
    deps = deps_of(context)
    raw = event.get("user")
    # Slack sends the whole user object; tolerate a bare id.
    user = raw if isinstance(raw, dict) else {"id": raw}
    if welcome_new_member(
        deps.sessions, deps.clock, AwarenessPolicy.from_settings(deps.settings), user
    ):
        deps.outbox.kick()
