"""The desk feature: buttons on the case message, renderers, the SLA tick and the home refresh.

Wire it with `desk_feature` in `bot.app.feature_factories()`. Other features add a line per case
on the App Home through `home_case_lines`, e.g.
`functools.partial(desk_feature, home_case_lines=(checkin_home_line,))`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from bot import blocks as bk
from bot.deps import Core, Deps, Feature
from bot.desk.deliveries import desk_renderers
from bot.desk.leads import DeskLeads
from bot.desk.links import links_for
from bot.desk.messages import case_state_blocks
from bot.desk.service import DeskService, button_value
from bot.desk.sla import SlaMonitor
from bot.home.refresh import HOME_PUBLISH, enqueue_home_refreshes
from bot.home.service import HomeCaseLine, HomeSources, sla_breached
from bot.i18n import normalize_locale
from bot.scheduler import TickJob
from storage.models import Case
from storage.repositories import desk as desk_repo
from storage.repositories import outbox as outbox_repo
from storage.repositories import users as users_repo


def desk_service(deps: Deps) -> DeskService:
    return DeskService(sessions=deps.sessions, clock=deps.clock, staff=deps.staff)


def record_home_open(deps: Deps, user_id: str, event_id: str) -> None:
    """Remember the viewer and queue their home; the outbox publishes it at once (kick)."""
    deps.profiles.get(user_id)  # caches the viewer's locale for every later refresh
    now = deps.clock.now()
    with deps.sessions.begin() as session:
        desk_repo.remember_home_viewer(session, user_id, now)
        outbox_repo.enqueue(
            session,
            kind=HOME_PUBLISH,
            dedupe_key=f"home:{user_id}:opened:{event_id}",
            payload={"user_id": user_id},
            now=now,
        )
    deps.outbox.kick()


def desk_feature(core: Core, *, home_case_lines: Sequence[HomeCaseLine] = ()) -> Feature:
    settings = core.settings
    links = links_for(core.client)
    sources = HomeSources(
        guidance=core.guidance,
        hotline_url=settings.hotline_url,
        links=links,
        case_lines=tuple(home_case_lines),
        desk_hours=settings.desk_hours,
    )

    def cached_locale(session: Session, user_id: str) -> str:
        cached = users_repo.get(session, user_id)
        return normalize_locale(cached.locale if cached else None, settings.default_locale)

    def case_blocks(session: Session, case: Case, locale: str) -> Sequence[bk.Block]:
        return case_state_blocks(
            status=case.status,
            value=button_value(case),
            locale=locale,
            assignee_user_id=case.assignee_user_id,
            escalated_to=case.escalated_to,
            resolution=case.resolution,
            sla_breached=sla_breached(case, core.clock.now()),
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

    monitor = SlaMonitor(
        sessions=core.sessions,
        clock=core.clock,
        leads=DeskLeads(client=core.client, leads=settings.desk_leads),
        locale_of=lambda user_id: core.profiles.get(user_id).locale,
        staff=core.staff,
        lease=settings.outbox_lease,
        hours=settings.desk_hours,
    )
    return Feature(
        renderers=desk_renderers(
            desk_locale=settings.default_locale,
            mention=settings.desk_mention_mrkdwn,
            links=links,
            locale_of=cached_locale,
            is_staff=core.staff.is_staff,
            clock=core.clock,
            home_sources=sources,
        ),
        report_hooks=(refresh_homes_on_report,),
        case_blocks=(case_blocks,),
        tick_jobs=(TickJob("desk-sla", monitor.run, settings.scheduler_tick),),
    )
