"""The desk feature as the app sees it: buttons on the case message, renderers, the SLA tick, and
the `DeskService` its listeners use (built once here)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from bot.deps import Core, Feature
from bot.desk import ids
from bot.desk.leads import DeskLeads
from bot.desk.messages import case_state_blocks
from bot.desk.renderers import desk_renderers
from bot.desk.service import DeskService, button_value
from bot.desk.sla import SlaMonitor
from bot.home import sla_breached
from bot.scheduler import TickJob
from bot.slack import blocks as bk
from storage.models import Case


def desk_feature(core: Core) -> Feature:
    settings = core.settings

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
        outbox_kinds=ids.OUTBOX_KINDS,
        renderers=desk_renderers(
            desk_locale=settings.default_locale,
            mention=settings.desk_mention_mrkdwn,
            links=core.links,
            locale_of=core.profiles.cached_locale,
        ),
        case_blocks=(case_blocks,),
        tick_jobs=(TickJob("desk-sla", monitor.run, settings.scheduler_tick),),
        services=(
            DeskService(
                sessions=core.sessions,
                clock=core.clock,
                staff=core.staff,
                leads=DeskLeads(client=core.client, leads=settings.desk_leads),
            ),
        ),
    )
