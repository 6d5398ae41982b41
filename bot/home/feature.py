"""The App Home feature as the app sees it: the home renderer, and refreshing the homes of the
people who see a new case.

Wire it with `home_feature` in `bot.app.feature_factories()`. Other features add a line per case
on the App Home through `case_lines`, e.g.
`functools.partial(home_feature, case_lines=(checkin_home_line,))`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from bot.deps import Core, Feature
from bot.home import ids
from bot.home.renderers import home_renderers
from bot.home.service import (
    DeskHomeSection,
    HomeCaseActions,
    HomeCaseLine,
    HomeSources,
    enqueue_home_refreshes,
)
from storage.models import Case


def home_feature(
    core: Core,
    *,
    case_lines: Sequence[HomeCaseLine] = (),
    desk_sections: Sequence[Callable[[Core], DeskHomeSection]] = (),
    case_actions: Callable[[Core], HomeCaseActions] | None = None,
) -> Feature:
    """`desk_sections`: other features' blocks at the end of the desk's part of the home
    (e.g. the awareness posts' read counts), each built once from the core."""
    settings = core.settings
    sources = HomeSources(
        guidance=core.guidance,
        hotline_url=settings.hotline_url,
        links=core.links,
        case_lines=tuple(case_lines),
        desk_sections=tuple(make(core) for make in desk_sections),
        desk_hours=settings.desk_hours,
        desk_channel_refused=core.desk_channel.cannot_post,
        access=core.access,
        case_actions=case_actions(core) if case_actions else None,
    )

    def refresh_homes_on_report(session: Session, case: Case, now: datetime) -> None:
        enqueue_home_refreshes(
            session,
            change_key=f"case:{case.id}:reported",
            reporter_user_id=case.reporter_user_id,
            # No Slack call here: this runs inside the report's transaction, before the ack.
            # Unknown membership refreshes every viewer; the publish re-checks who is staff.
            staff_members=core.staff.cached_members(),
            now=now,
        )

    return Feature(
        outbox_kinds=ids.OUTBOX_KINDS,
        renderers=home_renderers(
            locale_of=core.profiles.cached_locale,
            is_staff=core.staff.is_staff,
            clock=core.clock,
            sources=sources,
        ),
        report_hooks=(refresh_homes_on_report,),
    )
