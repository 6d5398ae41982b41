"""Desk hours applied to the SLA timers and the reporter's expectation (pure but for a lookup)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.orm import Session

from bot.deskhours.hours import DeskHours
from bot.deskhours.messages import expect_by
from bot.i18n import t
from storage.models import Case
from storage.repositories import users as users_repo


def elapsed(hours: DeskHours, case: Case, due: datetime) -> timedelta:
    """How long the case has waited at `due`, as its SLA counts: desk time unless in danger."""
    if case.in_danger:
        return due - case.created_at
    return hours.open_time_between(case.created_at, due)


def next_due(hours: DeskHours, case: Case, due: datetime) -> datetime:
    """The next SLA step comes as long after this one as this one came after the report."""
    return hours.due(due, elapsed(hours, case, due), urgent=case.in_danger)


def _reader_tz(session: Session, user_id: str, fallback: ZoneInfo) -> ZoneInfo:
    cached = users_repo.get(session, user_id)
    if cached is None or not cached.tz:
        return fallback
    try:
        return ZoneInfo(cached.tz)
    except (ZoneInfoNotFoundError, ValueError):
        return fallback


def reporter_expectation(session: Session, case: Case, hours: DeskHours, locale: str) -> str | None:
    """ "相談窓口は明日9:30までに内容を確認いたします。" when desk hours move the target; None when
    the desk is open around the clock or the reporter is in danger (the usual wording stands)."""
    if hours.always_open or case.in_danger or case.sla_due_at is None:
        return None
    tz = _reader_tz(session, case.reporter_user_id, hours.tz)
    when = expect_by(case.sla_due_at, case.created_at, tz, locale)
    return t("deskhours.dm.next_steps", locale, when=when)
