from slack_bolt import App

from bot.guidance import ACTION_PICK_TOPIC
from bot.report.ids import OPEN_REPORT_ACTION
from handlers.actions import open_report, pick_topic


def register(app: App) -> None:
    app.action(OPEN_REPORT_ACTION)(open_report.handle_open_report)
    app.action(ACTION_PICK_TOPIC)(pick_topic.handle_pick_topic)
