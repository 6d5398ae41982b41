from collections.abc import Callable
from typing import Any

from slack_bolt import App

# Registration and declaration in one place: a test holds manifest.yml to these.
EVENTS: dict[str, Callable[..., Any]] = {}


def register(app: App) -> None:
    for event_type, listener in EVENTS.items():
        app.event(event_type)(listener)
