"""The export's part of the running app: the renderer that uploads the CSV."""

from __future__ import annotations

from bot.deps import Core, Feature
from bot.desk import DeskLeads
from bot.export import ids
from bot.export.renderers import export_renderers
from bot.export.requests import ExportRequests


def export_feature(core: Core) -> Feature:
    settings = core.settings
    requests = ExportRequests(
        sessions=core.sessions,
        clock=core.clock,
        tz=settings.desk_hours.tz,
        is_staff=core.staff.is_staff,
        leads=DeskLeads(client=core.client, leads=settings.desk_leads),
        sealed=settings.case_content_in_slack.sealed,
    )
    return Feature(
        services=(requests,),
        outbox_kinds=ids.OUTBOX_KINDS,
        renderers=export_renderers(
            hours=core.settings.desk_hours,
            category_label=core.guidance.category_label,
            content=settings.case_content_in_slack,
            places=frozenset(settings.locations),
            access=core.access,
        ),
    )
