from slack_bolt import App

from bot.report.ids import REPORT_VIEW
from handlers.views import report_submission


def register(app: App) -> None:
    app.view(REPORT_VIEW)(report_submission.handle_report_submission)
