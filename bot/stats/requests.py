"""Queueing the monthly report: on demand (`/harassment stats`) and from the monthly tick."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from bot.audit import record_refusal
from bot.clock import Clock
from bot.deskhours import DeskHours
from bot.stats import ids
from bot.stats.figures import Month
from bot.stats.schedule import report_due
from bot.stats.service import MonthError, parse_month
from storage.db import SessionFactory
from storage.repositories import cases as cases_repo
from storage.repositories import insight as insight_repo
from storage.repositories import outbox as outbox_repo


@dataclass(frozen=True)
class Queued:
    month: Month


@dataclass(frozen=True)
class Answer:
    code: str


def enqueue_report(session: Session, month: Month, key: str, now: datetime) -> None:
    for kind in (ids.POST, ids.CHART):
        outbox_repo.enqueue(
            session, kind=kind, dedupe_key=f"{key}:{kind}", payload={"month": str(month)}, now=now
        )


def request_report(
    *,
    sessions: SessionFactory,
    clock: Clock,
    today: date,
    user_id: str,
    args: str,
    is_staff: Callable[[str], bool],
) -> Queued | Answer:
    now = clock.now()
    if not is_staff(user_id):
        record_refusal(sessions, actor_user_id=user_id, action=ids.AUDIT_DENIED, now=now)
        return Answer("stats.denied")
    try:
        month = parse_month(args, today)
    except MonthError as problem:
        return Answer(problem.code)
    with sessions.begin() as session:
        cases_repo.record_event(
            session,
            case_id=None,
            actor_user_id=user_id,
            action=ids.AUDIT_STATS,
            now=now,
            after={"month": str(month)},
        )
        enqueue_report(session, month, f"stats:{month}:asked:{uuid.uuid4().hex}", now)
    return Queued(month)


def monthly_tick(*, sessions: SessionFactory, clock: Clock, hours: DeskHours) -> Month | None:
    """Queue last month's report once, on the first desk day of the month."""
    now = clock.now()
    month = report_due(hours, now)
    if month is None:
        return None
    with sessions.begin() as session:
        if not insight_repo.claim_month(session, str(month), now):
            return None
        enqueue_report(session, month, f"stats:{month}:monthly", now)
    return month
