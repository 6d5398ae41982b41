"""Cases and their audit trail."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, insert, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from storage.models import Case, CaseEvent, ReferenceCounter


def get(session: Session, case_id: int) -> Case | None:
    return session.get(Case, case_id)


def load(session: Session, case_ids: Collection[int]) -> list[Case]:
    """Load these cases in one query. While the caller holds the list, `get` in this session
    finds them without SQL (the session's identity map holds its objects only weakly)."""
    if not case_ids:
        return []
    return list(session.scalars(select(Case).where(Case.id.in_(list(case_ids)))))


def stored_for_submission(session: Session, submission_key: str) -> tuple[int, str] | None:
    """The id and reference of the case a submission stored, if it was stored: what a retried
    submission is answered with (two columns, not the whole case: this runs for every report)."""
    row = session.execute(
        select(Case.id, Case.reference).where(Case.submission_key == submission_key)
    ).first()
    return (row.id, row.reference) if row is not None else None


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
        .returning(ReferenceCounter.value),
        # No counter object is ever loaded: matching the session's objects against the WHERE
        # clause ("evaluate") was half of this statement's cost in the report's transaction.
        execution_options={"synchronize_session": False},
    ).scalar_one_or_none()
    if taken is not None:
        return taken
    # First report of the year. A concurrent first insert raises IntegrityError: the caller retries.
    session.execute(insert(ReferenceCounter).values(year=year, value=1))
    return 1


def set_reference(session: Session, case: Case, reference: str) -> None:
    """Give a just-stored case its reference: one UPDATE now, and the object shows the value
    without the unit of work tracking (and flushing) the change."""
    table = cast(Table, Case.__table__)
    session.execute(update(table).where(table.c.id == case.id).values(reference=reference))
    set_committed_value(case, "reference", reference)


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
