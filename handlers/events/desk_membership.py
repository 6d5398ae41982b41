"""Someone joined or left the desk channel: forget the cached member list at once."""

from __future__ import annotations

from typing import Any

from bot.deps import deps_of


def handle_desk_membership_change(event: dict[str, Any], context: dict[str, Any]) -> None:
    deps = deps_of(context)
    if event.get("channel") == deps.staff.channel_id:
        deps.staff.invalidate()
