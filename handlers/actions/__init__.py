from slack_bolt import App

from bot.report.ids import OPEN_REPORT_ACTION
from handlers.actions import open_report


def register(app: App) -> None:
    app.action(OPEN_REPORT_ACTION)(open_report.handle_open_report)
