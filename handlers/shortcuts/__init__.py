from collections.abc import Callable
from typing import Any

from slack_bolt import App

from bot.report.ids import GLOBAL_SHORTCUT, MESSAGE_SHORTCUT
from handlers.shortcuts import report_global, report_message

# Registration and declaration in one place: a test holds manifest.yml to these.
GLOBAL_SHORTCUTS: dict[str, Callable[..., Any]] = {
    GLOBAL_SHORTCUT: report_global.handle_report_shortcut
}
MESSAGE_SHORTCUTS: dict[str, Callable[..., Any]] = {
    MESSAGE_SHORTCUT: report_message.handle_report_message_shortcut
}


def register(app: App) -> None:
    for callback_id, listener in {**GLOBAL_SHORTCUTS, **MESSAGE_SHORTCUTS}.items():
        app.shortcut(callback_id)(listener)
