from collections.abc import Callable
from typing import Any

from slack_bolt import App

from bot.access import ids as access_ids
from bot.conversation import ids as conversation_ids
from bot.customers import ids as customer_ids
from bot.desk.states import BY_VIEW
from bot.handling import ids as handling_ids
from bot.report.ids import REPORT_VIEW
from bot.sos import ids as sos_ids
from handlers.views import (
    conversation_submission,
    customer_submission,
    desk_submission,
    handling_submission,
    report_closed,
    report_submission,
    reporter_reply,
    sos_submission,
)

VIEWS: dict[str, Callable[..., Any]] = {
    REPORT_VIEW: report_submission.handle_report_submission,
    access_ids.REPORTER_VIEW: reporter_reply.handle_reporter_reply,
    sos_ids.CONFIRM_VIEW: sos_submission.handle_sos_submission,
    **{callback_id: desk_submission.handle_desk_submission for callback_id in BY_VIEW},
    conversation_ids.MESSAGE_VIEW: conversation_submission.handle_conversation_submission,
    conversation_ids.ADD_INFO_VIEW: conversation_submission.handle_conversation_submission,
    **{
        callback_id: customer_submission.handle_customer_submission
        for callback_id in customer_ids.VIEWS
    },
    **{
        callback_id: handling_submission.handle_handling_submission
        for callback_id in handling_ids.VIEWS
    },
}


def register(app: App) -> None:
    for callback_id, listener in VIEWS.items():
        app.view(callback_id)(listener)
    app.view_closed(REPORT_VIEW)(report_closed.handle_report_closed)
