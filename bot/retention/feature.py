"""The retention feature as the app sees it: an hourly purge of cases closed long enough ago."""

from __future__ import annotations

from datetime import timedelta

from bot.deps import Core, Feature
from bot.retention.service import purge
from bot.scheduler import TickJob


def retention_feature(core: Core) -> Feature:
    def tick() -> None:
        now = core.clock.now()
        today = now.astimezone(core.settings.desk_hours.tz).date()
        purge(core.sessions, now=now, retention=core.settings.retention, today=today)

    return Feature(tick_jobs=[TickJob("retention-purge", tick, timedelta(hours=1))])
