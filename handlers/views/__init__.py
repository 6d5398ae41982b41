from collections.abc import Callable
from typing import Any

from slack_bolt import App

from bot.desk.states import BY_VIEW
from bot.report.ids import REPORT_VIEW
from handlers.views import desk_submission, report_closed, report_submission

VIEWS: dict[str, Callable[..., Any]] = {
    REPORT_VIEW: report_submission.handle_report_submission,
    **{callback_id: desk_submission.handle_desk_submission for callback_id in BY_VIEW},
}


def register(app: App) -> None:
    for callback_id, listener in VIEWS.items():
        app.view(callback_id)(listener)
    app.view_closed(REPORT_VIEW)(report_closed.handle_report_closed)
