from collections.abc import Callable
from typing import Any

from slack_bolt import App

from handlers.events import app_home_opened, desk_membership, team_join

# Registration and declaration in one place: a test holds manifest.yml to these.
EVENTS: dict[str, Callable[..., Any]] = {
    "member_joined_channel": desk_membership.handle_desk_membership_change,
    "member_left_channel": desk_membership.handle_desk_membership_change,
    "app_home_opened": app_home_opened.handle_app_home_opened,
    "team_join": team_join.handle_team_join,
}


def register(app: App) -> None:
    for event_type, listener in EVENTS.items():
        app.event(event_type)(listener)
