"""The retention feature as the app sees it: the purge, at start and hourly (and
`harassment-desk purge [--dry-run]` from the command line)."""

from __future__ import annotations

from datetime import timedelta

from bot.deps import Core, Feature
from bot.retention.service import purge
from bot.scheduler import TickJob


def retention_feature(core: Core) -> Feature:
    def tick() -> None:
        purge(
            core.sessions,
            core.client,
            now=core.clock.now(),
            retention=core.settings.retention,
            engine=core.engine,
        )

    # The ticker runs every job once at start, then every hour.
    return Feature(tick_jobs=[TickJob("retention-purge", tick, timedelta(hours=1))])
