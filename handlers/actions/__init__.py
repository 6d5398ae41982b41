from slack_bolt import App

from bot.checkins import ids as checkin_ids
from bot.report.ids import OPEN_REPORT_ACTION
from handlers.actions import checkin_answer, checkin_desk, checkin_later, open_report


def register(app: App) -> None:
    app.action(OPEN_REPORT_ACTION)(open_report.handle_open_report)
    for answer_id in checkin_ids.BUTTON_ANSWERS:
        app.action(answer_id)(checkin_answer.handle_checkin_answer)
    app.action(checkin_ids.ANSWER_LATER)(checkin_later.handle_checkin_later)
    app.action(checkin_ids.DESK_EXTRA)(checkin_desk.handle_checkin_desk)
    app.action(checkin_ids.DESK_CANCEL)(checkin_desk.handle_checkin_desk)
