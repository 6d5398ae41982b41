"""Queries of the desk workflow: conditional case updates, SLA claims, App Home lists."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from storage.models import Case, CaseEvent, CaseStatus, HomeViewer, OutboxMessage, OutboxStatus
from storage.repositories.claims import claim_rows

# SLA stages: 0 = waiting, 1 = the desk was re-pinged, 2 = the leads were told (last stage).
SLA_LAST_STAGE = 2


def update_if_version(session: Session, case_id: int, version: int, values: dict[str, Any]) -> bool:
    """Apply `values` and bump the version only if nobody changed the case since `version`.

    One conditional UPDATE: on PostgreSQL a concurrent writer waits for our row lock and then
    finds the version moved on; on SQLite writers are serialised. Either way exactly one wins.
    """
    result = session.execute(
        update(Case)
        .where(Case.id == case_id, Case.version == version)
        .values(version=version + 1, **values)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]


def touch(session: Session, case_id: int, now: datetime) -> None:
    session.execute(
        update(Case)
        .where(Case.id == case_id)
        .values(updated_at=now)
        .execution_options(synchronize_session=False)
    )


def recent_events(session: Session, case_id: int, limit: int = 20) -> Sequence[CaseEvent]:
    return session.scalars(
        select(CaseEvent)
        .where(CaseEvent.case_id == case_id)
        .order_by(CaseEvent.id.desc())
        .limit(limit)
    ).all()


def claim_due_sla(session: Session, *, now: datetime, lease: timedelta, limit: int) -> list[int]:
    """Unacknowledged cases whose next SLA step is due (uses ix_cases_status_sla_due)."""
    claimable = and_(
        Case.status == CaseStatus.NEW,
        Case.sla_due_at <= now,
        Case.sla_stage < SLA_LAST_STAGE,
        or_(Case.sla_claimed_until.is_(None), Case.sla_claimed_until < now),
    )
    return claim_rows(
        session,
        Case,
        claimable=claimable,
        order_by=Case.sla_due_at,
        limit=limit,
        claim_values={"sla_claimed_until": now + lease},
    )


def open_cases(session: Session, limit: int) -> Sequence[Case]:
    """Cases not resolved: unacknowledged first, then oldest first."""
    unacknowledged_first = case((Case.status == CaseStatus.NEW, 0), else_=1)
    return session.scalars(
        select(Case)
        .where(Case.status != CaseStatus.RESOLVED)
        .order_by(unacknowledged_first, Case.created_at, Case.id)
        .limit(limit)
    ).all()


def open_case_ids(session: Session) -> list[int]:
    """Every case not resolved, in `open_cases` order (ids only: the caller filters them)."""
    unacknowledged_first = case((Case.status == CaseStatus.NEW, 0), else_=1)
    return list(
        session.scalars(
            select(Case.id)
            .where(Case.status != CaseStatus.RESOLVED)
            .order_by(unacknowledged_first, Case.created_at, Case.id)
        )
    )


def open_categories(session: Session) -> list[tuple[int, list[str]]]:
    """(id, categories) of every open case."""
    query = select(Case.id, Case.categories).where(Case.status != CaseStatus.RESOLVED)
    return [(case_id, list(categories or ())) for case_id, categories in session.execute(query)]


def count_open(session: Session) -> int:
    return int(
        session.scalar(
            select(func.count()).select_from(Case).where(Case.status != CaseStatus.RESOLVED)
        )
        or 0
    )


def failed_deliveries(session: Session, since: datetime) -> int:
    """Slack messages given up on (a permanent error or DELIVERY_GIVE_UP) since `since`."""
    query = select(func.count(OutboxMessage.id)).where(
        OutboxMessage.status == OutboxStatus.FAILED, OutboxMessage.created_at >= since
    )
    return int(session.scalar(query) or 0)


def status_counts(session: Session) -> dict[str, int]:
    rows = session.execute(select(Case.status, func.count()).group_by(Case.status)).all()
    return {str(status): int(count) for status, count in rows}


def open_category_counts(session: Session) -> Counter[str]:
    """Categories of open cases (stored as a JSON list, so counted here, not in SQL)."""
    counts: Counter[str] = Counter()
    for categories in session.scalars(
        select(Case.categories).where(Case.status != CaseStatus.RESOLVED)
    ):
        counts.update(categories or [])
    return counts


def remember_home_viewer(session: Session, user_id: str, now: datetime) -> None:
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(HomeViewer).values(user_id=user_id, opened_at=now)
    session.execute(
        statement.on_conflict_do_update(index_elements=["user_id"], set_={"opened_at": now})
    )


def home_viewers(session: Session) -> set[str]:
    return set(session.scalars(select(HomeViewer.user_id)))
