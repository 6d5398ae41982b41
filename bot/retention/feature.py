"""The retention feature as the app sees it: the purge, at start and hourly (and
`harassment-desk purge [--dry-run]` from the command line), and legal holds set by desk leads
(`/harassment hold CH-… [off]`)."""

from __future__ import annotations

from datetime import timedelta

from bot.deps import Core, Feature
from bot.desk import DeskLeads
from bot.retention.service import LegalHolds, purge
from bot.scheduler import TickJob


def retention_feature(core: Core) -> Feature:
    def tick() -> None:
        now = core.clock.now()
        purge(
            core.sessions,
            core.client,
            now=now,
            retention=core.settings.retention,
            engine=core.engine,
            today=now.astimezone(core.settings.desk_hours.tz).date(),
        )

    leads = DeskLeads(client=core.client, leads=core.settings.desk_leads)
    return Feature(
        # The ticker runs every job once at start, then every hour.
        tick_jobs=[TickJob("retention-purge", tick, timedelta(hours=1))],
        services=(LegalHolds(core.sessions, leads.user_ids),),
    )
