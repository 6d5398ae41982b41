from collections.abc import Callable
from typing import Any

from slack_bolt import App

from bot.desk import ids as desk_ids
from bot.report.ids import OPEN_REPORT_ACTION
from handlers.actions import desk_open_modal, desk_transition, open_report

ACTIONS: dict[str, Callable[..., Any]] = {
    OPEN_REPORT_ACTION: open_report.handle_open_report,
    desk_ids.ACKNOWLEDGE_ACTION: desk_transition.handle_desk_transition,
    desk_ids.REOPEN_ACTION: desk_transition.handle_desk_transition,
    desk_ids.ASSIGN_ACTION: desk_open_modal.handle_desk_open_modal,
    desk_ids.ESCALATE_ACTION: desk_open_modal.handle_desk_open_modal,
    desk_ids.NOTE_ACTION: desk_open_modal.handle_desk_open_modal,
    desk_ids.RESOLVE_ACTION: desk_open_modal.handle_desk_open_modal,
}


def register(app: App) -> None:
    for action_id, listener in ACTIONS.items():
        app.action(action_id)(listener)
