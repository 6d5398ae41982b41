"""The retention feature as the app sees it: an hourly purge of cases closed long enough ago."""

from __future__ import annotations

from datetime import timedelta

from bot.deps import Core, Feature
from bot.retention.service import purge
from bot.scheduler import TickJob


def retention_feature(core: Core) -> Feature:
    def tick() -> None:
        purge(core.sessions, now=core.clock.now(), retention=core.settings.retention)

    return Feature(tick_jobs=[TickJob("retention-purge", tick, timedelta(hours=1))])
