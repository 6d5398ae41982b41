"""What the privacy feature adds to the running app: desk membership that holds across
replicas, and noise throttles."""

from __future__ import annotations

from bot.deps import Core, Feature
from bot.privacy.throttle import FormThrottle, urgent_ping_hook


def privacy_feature(core: Core) -> Feature:
    return Feature(
        report_hooks=[urgent_ping_hook(core.settings.urgent_ping_window)],
        services=(FormThrottle(),),
    )
