"""The monthly report's part of the running app: renderers and the monthly tick.

The tick runs every `SCHEDULER_TICK`; the database decides (one `monthly_report_slots` row per
month), so the report is queued once across restarts and replicas.
"""

from __future__ import annotations

import logging

from bot.deps import Core, Feature
from bot.scheduler import TickJob
from bot.stats import ids
from bot.stats.renderers import stats_renderers
from bot.stats.requests import monthly_tick

log = logging.getLogger(__name__)


def stats_feature(core: Core) -> Feature:
    settings = core.settings

    def tick() -> None:
        month = monthly_tick(sessions=core.sessions, clock=core.clock, hours=settings.desk_hours)
        if month is not None:
            log.info("monthly report for %s queued", month)

    return Feature(
        outbox_kinds=ids.OUTBOX_KINDS,
        renderers=stats_renderers(
            hours=settings.desk_hours,
            desk_channel_id=settings.desk_channel_id,
            desk_locale=settings.default_locale,
            category_label=core.guidance.category_label,
            places=frozenset(settings.locations),
            content=settings.case_content_in_slack,
            answers_due=(settings.ack_to_reporter, settings.feedback_due),
        ),
        tick_jobs=(
            (TickJob("monthly-report", tick, settings.scheduler_tick),)
            if settings.monthly_report
            else ()
        ),
    )
