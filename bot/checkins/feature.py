"""The check-in feature as the app sees it: renderers, the report hook, case blocks, the tick."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from bot.checkins import ids
from bot.checkins.messages import desk_blocks, status_line
from bot.checkins.renderers import checkin_renderers
from bot.checkins.service import CheckinPolicy, reporter_stopped, schedule_for_report, tick
from bot.deps import Core, Feature
from bot.scheduler import TickJob
from bot.slack import blocks as bk
from storage.models import Case, CaseStatus, CheckInStatus
from storage.repositories import checkins as checkins_repo


def case_blocks(session: Session, case: Case, locale: str) -> Sequence[bk.Block]:
    checkins = list(checkins_repo.for_case(session, case.id))
    return desk_blocks(
        case,
        status_line(case, checkins, locale),
        can_add=case.checkins_wanted
        and not reporter_stopped(checkins)
        and case.status != CaseStatus.WITHDRAWN,  # the reporter withdrew: no more check-ins
        can_cancel=any(c.status == CheckInStatus.SCHEDULED for c in checkins),
        locale=locale,
    )


def checkins_feature(core: Core) -> Feature:
    settings = core.settings
    policy = CheckinPolicy.from_settings(settings)

    def report_hook(session: Session, case: Case, now: datetime) -> None:
        schedule_for_report(session, case, now, policy)

    return Feature(
        outbox_kinds=ids.OUTBOX_KINDS,
        services=(policy,),
        renderers=checkin_renderers(
            policy,
            mention=settings.desk_mention_mrkdwn,
            desk_locale=settings.default_locale,
            content=settings.case_content_in_slack,
        ),
        report_hooks=(report_hook,),
        case_blocks=(case_blocks,),
        tick_jobs=(
            TickJob(
                "checkins",
                lambda: tick(core.sessions, core.clock, policy),
                settings.scheduler_tick,
            ),
        ),
    )
