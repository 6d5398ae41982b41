from collections.abc import Callable
from typing import Any

from slack_bolt import App

from bot.access import ids as access_ids
from bot.awareness import ids as awareness_ids
from bot.checkins import ids as checkin_ids
from bot.conversation import ids as conversation_ids
from bot.customers import ids as customer_ids
from bot.desk.states import DESK_ACTIONS
from bot.guidance import ACTION_PICK_TOPIC
from bot.handling import ids as handling_ids
from bot.report.ids import OPEN_REPORT_ACTION
from bot.restriction import ids as restriction_ids
from bot.sos import ids as sos_ids
from handlers.actions import (
    awareness_got_it,
    case_read,
    checkin_answer,
    checkin_desk,
    checkin_later,
    conversation_desk,
    conversation_reporter,
    customer_actions,
    desk_open_modal,
    desk_transition,
    handling_actions,
    open_report,
    pick_topic,
    restriction_access,
    sos_add_details,
    sos_open,
)

ACTIONS: dict[str, Callable[..., Any]] = {
    OPEN_REPORT_ACTION: open_report.handle_open_report,
    access_ids.OPEN_CASE_ACTION: case_read.handle_case_read,
    access_ids.SHOW_NAME_ACTION: case_read.handle_case_read,
    access_ids.OPEN_EVIDENCE_ACTION: case_read.handle_case_read,
    conversation_ids.REPORTER_OPEN_ACTION: case_read.handle_case_read,
    ACTION_PICK_TOPIC: pick_topic.handle_pick_topic,
    # A desk action with a modal opens it; one without is applied at once.
    **{
        row.action_id: desk_open_modal.handle_desk_open_modal
        if row.view
        else desk_transition.handle_desk_transition
        for row in DESK_ACTIONS
    },
    **{answer_id: checkin_answer.handle_checkin_answer for answer_id in checkin_ids.BUTTON_ANSWERS},
    checkin_ids.ANSWER_LATER: checkin_later.handle_checkin_later,
    checkin_ids.DESK_EXTRA: checkin_desk.handle_checkin_desk,
    checkin_ids.DESK_CANCEL: checkin_desk.handle_checkin_desk,
    **{
        action_id: conversation_desk.handle_conversation_desk
        for action_id in conversation_ids.DESK_BUTTONS
    },
    **{
        action_id: conversation_reporter.handle_conversation_reporter
        for action_id in conversation_ids.REPORTER_BUTTONS
    },
    awareness_ids.GOT_IT_ACTION: awareness_got_it.handle_awareness_got_it,
    sos_ids.OPEN_ACTION: sos_open.handle_sos_open,
    sos_ids.ADD_DETAILS_ACTION: sos_add_details.handle_sos_add_details,
    **{action_id: customer_actions.handle_customer_action for action_id in customer_ids.ACTIONS},
    **{
        action_id: restriction_access.handle_restriction_access
        for action_id in (restriction_ids.ASK_ACTION, *restriction_ids.DECISION_ACTIONS)
    },
    **{action_id: handling_actions.handle_handling_action for action_id in handling_ids.ACTIONS},
}


def register(app: App) -> None:
    for action_id, listener in ACTIONS.items():
        app.action(action_id)(listener)
