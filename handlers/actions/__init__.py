from collections.abc import Callable
from typing import Any

from slack_bolt import App

from bot.checkins import ids as checkin_ids
from bot.customers import ids as customer_ids
from bot.desk import ids as desk_ids
from bot.guidance import ACTION_PICK_TOPIC
from bot.report.ids import OPEN_REPORT_ACTION
from handlers.actions import (
    checkin_answer,
    checkin_desk,
    checkin_later,
    customer_actions,
    desk_open_modal,
    desk_transition,
    open_report,
    pick_topic,
)

ACTIONS: dict[str, Callable[..., Any]] = {
    OPEN_REPORT_ACTION: open_report.handle_open_report,
    ACTION_PICK_TOPIC: pick_topic.handle_pick_topic,
    desk_ids.ACKNOWLEDGE_ACTION: desk_transition.handle_desk_transition,
    desk_ids.REOPEN_ACTION: desk_transition.handle_desk_transition,
    desk_ids.ASSIGN_ACTION: desk_open_modal.handle_desk_open_modal,
    desk_ids.ESCALATE_ACTION: desk_open_modal.handle_desk_open_modal,
    desk_ids.NOTE_ACTION: desk_open_modal.handle_desk_open_modal,
    desk_ids.RESOLVE_ACTION: desk_open_modal.handle_desk_open_modal,
    **{answer_id: checkin_answer.handle_checkin_answer for answer_id in checkin_ids.BUTTON_ANSWERS},
    checkin_ids.ANSWER_LATER: checkin_later.handle_checkin_later,
    checkin_ids.DESK_EXTRA: checkin_desk.handle_checkin_desk,
    checkin_ids.DESK_CANCEL: checkin_desk.handle_checkin_desk,
    **{
        action_id: customer_actions.handle_customer_action
        for action_id in (
            customer_ids.LINK_ACTION,
            customer_ids.MEASURE_ACTION,
            customer_ids.HOLD_ACTION,
        )
    },
}


def register(app: App) -> None:
    for action_id, listener in ACTIONS.items():
        app.action(action_id)(listener)
