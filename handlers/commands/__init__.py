from collections.abc import Callable
from typing import Any

from slack_bolt import App

from bot.report.ids import COMMAND
from handlers.commands import harassment

# Registration and declaration in one place: a test holds manifest.yml to these.
COMMANDS: dict[str, Callable[..., Any]] = {COMMAND: harassment.handle_harassment_command}


def register(app: App) -> None:
    for command, listener in COMMANDS.items():
        app.command(command)(listener)
