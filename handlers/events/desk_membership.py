"""Someone joined or left the desk channel: forget the cached member list on every replica."""

from __future__ import annotations

from typing import Any

from bot.deps import deps_of
from bot.privacy import desk_membership_changed


def handle_desk_membership_change(event: dict[str, Any], context: dict[str, Any]) -> None:
    deps = deps_of(context)
    if desk_membership_changed(
        deps.staff,
        deps.sessions,
        channel_id=event.get("channel"),
        user_id=event.get("user"),
        left=event.get("type") == "member_left_channel",
        now=deps.clock.now(),
    ):
        deps.outbox.kick()
