from collections.abc import Callable
from typing import Any

from slack_bolt import App

from handlers.events import app_home_opened, desk_membership, direct_message, team_join

# Registration and declaration in one place: a test holds manifest.yml to these.
EVENTS: dict[str, Callable[..., Any]] = {
    "member_joined_channel": desk_membership.handle_desk_membership_change,
    "member_left_channel": desk_membership.handle_desk_membership_change,
    "app_home_opened": app_home_opened.handle_app_home_opened,
    "team_join": team_join.handle_team_join,
}


# Message events are declared per conversation type (manifest `message.im`) but arrive as type
# "message" with `channel_type`; the listener takes its subtypes (edits, deletions) itself.
MESSAGE_EVENTS: dict[str, Callable[..., Any]] = {
    "message.im": direct_message.handle_direct_message,
}


def register(app: App) -> None:
    for event_type, listener in EVENTS.items():
        app.event(event_type)(listener)
    for listener in dict.fromkeys(MESSAGE_EVENTS.values()):
        app.event("message")(listener)
