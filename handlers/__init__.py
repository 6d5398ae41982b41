"""Thin Slack listeners: parse the request, call a service in `bot/`, respond."""

from slack_bolt import App

from handlers import actions, commands, events, shortcuts, views


def register(app: App) -> None:
    commands.register(app)
    shortcuts.register(app)
    views.register(app)
    actions.register(app)
    events.register(app)
