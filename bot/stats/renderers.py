"""The monthly report's outbox renderers: the post and the chart, from the database only."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.content_mode import ContentMode
from bot.deskhours import DeskHours
from bot.export import Labels
from bot.i18n import t
from bot.outbox import Delivery, Perform, Post, Renderer, Skip
from bot.slack.files import upload_file
from bot.stats import ids
from bot.stats.figures import Month
from bot.stats.messages import report_message
from bot.stats.service import ANSWERS_DUE, month_chart, month_figures
from storage.models import OutboxMessage


def stats_renderers(
    *,
    hours: DeskHours,
    desk_channel_id: str,
    desk_locale: str,
    category_label: Callable[[str, str], str],
    places: frozenset[str] = frozenset(),
    content: ContentMode = ContentMode.FULL,
    answers_due: tuple[timedelta, timedelta] = ANSWERS_DUE,
) -> dict[str, Renderer]:
    labels = Labels(desk_locale, category_label)

    def month_of(message: OutboxMessage) -> Month | None:
        try:
            return Month.parse(str(message.payload.get("month", "")))
        except ValueError:
            return None

    def post(session: Session, message: OutboxMessage) -> Delivery:
        month = month_of(message)
        if month is None:
            return Skip("unreadable month")
        figures = month_figures(
            session, month, hours=hours, places=places, content=content, answers_due=answers_due
        )
        rendered = report_message(figures, labels)
        return Post(desk_channel_id, rendered.text, rendered.blocks)

    def chart(session: Session, message: OutboxMessage) -> Delivery:
        month = month_of(message)
        if month is None:
            return Skip("unreadable month")
        png = month_chart(session, month, hours=hours, labels=labels)

        def run(client: WebClient) -> tuple[str, str]:
            return upload_file(
                client,
                channel=desk_channel_id,
                filename=f"harassment-desk-{month}.png",
                content=png,
                title=t("stats.title", desk_locale, month=str(month)),
                comment=t("stats.chart.comment", desk_locale),
            )

        return Perform(run)

    return {ids.POST: post, ids.CHART: chart}
