"""The SOS feature as the app sees it: its outbox renderer (the case itself uses the report's)."""

from __future__ import annotations

from bot.deps import Core, Feature
from bot.sos import ids
from bot.sos.renderers import sos_renderers


def sos_feature(core: Core) -> Feature:
    return Feature(
        outbox_kinds=ids.OUTBOX_KINDS,
        renderers=sos_renderers(desk_locale=core.settings.default_locale),
    )
