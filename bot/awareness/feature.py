"""The awareness feature as the app sees it: renderers, the weekly tick, the desk's home section."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from bot.awareness import ids
from bot.awareness.content import load_awareness
from bot.awareness.messages import HOME_POSTS_MAX, home_section
from bot.awareness.renderers import awareness_renderers
from bot.awareness.service import AwarenessPolicy, home_rows, post_due
from bot.deps import Core, Feature
from bot.home import DeskHomeSection
from bot.scheduler import TickJob
from bot.slack import blocks as bk


def awareness_desk_section(core: Core) -> DeskHomeSection:
    """The desk's App Home section: recent posts and how many people clicked Got it."""
    content = load_awareness(core.settings.guidance_dir, core.guidance)
    policy = AwarenessPolicy.from_settings(core.settings)

    def section(session: Session, viewer: str, locale: str) -> Sequence[bk.Block]:
        rows = home_rows(session, content, locale, HOME_POSTS_MAX)
        scheduled = policy.schedule.describe() if policy.posting and policy.schedule else None
        return home_section(rows, locale, scheduled=scheduled)

    return section


def awareness_feature(core: Core) -> Feature:
    settings = core.settings
    content = load_awareness(settings.guidance_dir, core.guidance)
    policy = AwarenessPolicy.from_settings(settings)
    return Feature(
        outbox_kinds=ids.OUTBOX_KINDS,
        renderers=awareness_renderers(content, core.guidance, settings.hotline_url),
        tick_jobs=(
            TickJob(
                "awareness",
                lambda: post_due(core.sessions, core.clock, policy, content),
                settings.scheduler_tick,
            ),
        ),
    )
