"""The export's part of the running app: the renderer that uploads the CSV."""

from __future__ import annotations

from bot.deps import Core, Feature
from bot.export import ids
from bot.export.renderers import export_renderers


def export_feature(core: Core) -> Feature:
    return Feature(
        outbox_kinds=ids.OUTBOX_KINDS,
        renderers=export_renderers(
            hours=core.settings.desk_hours, category_label=core.guidance.category_label
        ),
    )
