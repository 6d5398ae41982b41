"""The handling as the app sees it: the case message's step line and buttons, the renderers,
the reminders' tick, the desk's App Home section, and the services its listeners use."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from bot.deps import Core, Feature
from bot.handling import ids
from bot.handling.messages import HomeAction, StepState, answer_state, case_blocks, home_section
from bot.handling.reminders import HandlingReminders
from bot.handling.renderers import handling_renderers
from bot.handling.service import HandlingService
from bot.handling.survey import SurveyService
from bot.home import DeskHomeSection
from bot.i18n import normalize_locale
from bot.scheduler import TickJob
from bot.slack import blocks as bk
from storage.models import Case, CaseStatus
from storage.repositories import handling as repo

CLOSED = (CaseStatus.RESOLVED, CaseStatus.WITHDRAWN)


def step_state(session: Session, case: Case, core: Core, now: datetime) -> StepState:
    settings, tz = core.settings, core.settings.desk_hours.tz
    steps = repo.steps(session, case.id)
    ack_due = case.created_at + settings.ack_to_reporter
    feedback_due = case.created_at + settings.feedback_due
    return StepState(
        facts=steps.facts,
        care=steps.care,
        measures=steps.measures,
        prevention_open=steps.prevention_open,
        prevention_done=steps.prevention_done,
        stop_requested_by=steps.stop_requested_by,
        ack=answer_state(case.acknowledged_at, ack_due, now),
        ack_due=ack_due.astimezone(tz).date(),
        feedback=answer_state(steps.feedback_at, feedback_due, now),
        feedback_due=feedback_due.astimezone(tz).date(),
        stopped=steps.stopped,
    )


def handling_desk_section(core: Core) -> DeskHomeSection:
    """The desk's App Home: open prevention actions, soonest due first, until marked done."""
    tz = core.settings.desk_hours.tz

    def section(session: Session, viewer: str, locale: str) -> Sequence[bk.Block]:
        now = core.clock.now()
        found = repo.open_actions(session, limit=20)
        # A restricted case's actions (and one kept from the viewer) are not listed to them.
        visible = core.access.visible(session, {action.case_id for action, _ in found}, viewer)
        rows = [
            HomeAction(
                action_id=action.id,
                reference=reference,
                text=action.text,
                owner=action.owner_user_id,
                due=action.due_at.astimezone(tz).date(),
                overdue=action.due_at < now,
            )
            for action, reference in found
            if action.case_id in visible
        ]
        return home_section(rows, locale, core.settings.case_content_in_slack)

    return section


def handling_feature(core: Core) -> Feature:
    settings = core.settings

    def blocks(session: Session, case: Case, locale: str) -> Sequence[bk.Block]:
        state = step_state(session, case, core, core.clock.now())
        return case_blocks(state, case.id, locale, closed=case.status in CLOSED)

    def police_text(locale: str) -> str:
        return core.guidance.general["police_flow"].text.get(normalize_locale(locale))

    reminders = HandlingReminders(
        sessions=core.sessions,
        clock=core.clock,
        staff=core.staff,
        ack_due=settings.ack_to_reporter,
        feedback_due=settings.feedback_due,
    )
    return Feature(
        outbox_kinds=ids.OUTBOX_KINDS,
        renderers=handling_renderers(
            desk_locale=settings.default_locale,
            tz=settings.desk_hours.tz,
            police_text=police_text,
            locale_of=core.profiles.cached_locale,
            content=settings.case_content_in_slack,
        ),
        case_blocks=(blocks,),
        tick_jobs=(TickJob("handling-reminders", reminders.run, settings.scheduler_tick),),
        services=(
            HandlingService(
                sessions=core.sessions,
                clock=core.clock,
                staff=core.staff,
                access=core.access,
                tz=settings.desk_hours.tz,
            ),
            SurveyService(sessions=core.sessions, clock=core.clock),
        ),
    )
