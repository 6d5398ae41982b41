"""Cases and their audit trail."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from storage.models import Case, CaseEvent, ReferenceCounter


def get(session: Session, case_id: int) -> Case | None:
    return session.get(Case, case_id)


def load(session: Session, case_ids: Collection[int]) -> list[Case]:
    """Load these cases in one query. While the caller holds the list, `get` in this session
    finds them without SQL (the session's identity map holds its objects only weakly)."""
    if not case_ids:
        return []
    return list(session.scalars(select(Case).where(Case.id.in_(list(case_ids)))))


def get_by_submission_key(session: Session, submission_key: str) -> Case | None:
    return session.scalars(select(Case).where(Case.submission_key == submission_key)).first()


def get_by_reference(session: Session, reference: str) -> Case | None:
    return session.scalars(select(Case).where(Case.reference == reference)).first()


def for_reporter(session: Session, user_id: str, limit: int = 20) -> Sequence[Case]:
    return session.scalars(
        select(Case)
        .where(Case.reporter_user_id == user_id)
        .order_by(Case.created_at.desc(), Case.id.desc())
        .limit(limit)
    ).all()


def next_reference_number(session: Session, year: int) -> int:
    """Atomically take the next number of `year` (the row lock serialises concurrent reports)."""
    taken = session.execute(
        update(ReferenceCounter)
        .where(ReferenceCounter.year == year)
        .values(value=ReferenceCounter.value + 1)
        .returning(ReferenceCounter.value)
    ).scalar_one_or_none()
    if taken is not None:
        return taken
    # First report of the year. A concurrent first insert raises IntegrityError: the caller retries.
    session.execute(insert(ReferenceCounter).values(year=year, value=1))
    return 1


def add(session: Session, case: Case) -> Case:
    session.add(case)
    session.flush()
    return case


def record_event(
    session: Session,
    *,
    case_id: int | None,
    actor_user_id: str,
    action: str,
    now: datetime,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    note: str | None = None,
) -> CaseEvent:
    event = CaseEvent(
        case_id=case_id,
        actor_user_id=actor_user_id,
        action=action,
        before=before,
        after=after,
        note=note,
        created_at=now,
    )
    session.add(event)
    return event


def events(session: Session, case_id: int) -> Sequence[CaseEvent]:
    return session.scalars(
        select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.id)
    ).all()
