"""Who may see a case beyond the desk at large: a lead's restriction with its handlers, the
reporter's exclusions, and requests for access."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from storage.models import (
    AccessRequest,
    AccessRequestStatus,
    CaseExclusion,
    CaseHandler,
    CaseRestriction,
)


def restricted_ids(session: Session, case_ids: Collection[int]) -> set[int]:
    if not case_ids:
        return set()
    query = select(CaseRestriction.case_id).where(CaseRestriction.case_id.in_(list(case_ids)))
    return set(session.scalars(query))


def handlers_of(session: Session, case_ids: Collection[int]) -> dict[int, set[str]]:
    found: dict[int, set[str]] = defaultdict(set)
    if case_ids:
        query = select(CaseHandler.case_id, CaseHandler.user_id).where(
            CaseHandler.case_id.in_(list(case_ids))
        )
        for case_id, user_id in session.execute(query):
            found[case_id].add(user_id)
    return found


def exclusions_of(session: Session, case_ids: Collection[int]) -> dict[int, set[str]]:
    found: dict[int, set[str]] = defaultdict(set)
    if case_ids:
        # Whole rows: the ORM opens the sealed user ids (a column query would not).
        query = select(CaseExclusion).where(CaseExclusion.case_id.in_(list(case_ids)))
        for row in session.scalars(query):
            found[row.case_id].add(row.user_id)
    return found


def private_ids(session: Session, case_ids: Collection[int]) -> set[int]:
    """Cases restricted by a lead or with exclusions by the reporter."""
    return restricted_ids(session, case_ids) | set(exclusions_of(session, case_ids))


def restrict(
    session: Session, case_id: int, *, by: str, handlers: Iterable[str], now: datetime
) -> None:
    """Restrict the case to `handlers` (replacing any earlier list)."""
    existing = session.get(CaseRestriction, case_id)
    if existing is None:
        session.add(CaseRestriction(case_id=case_id, restricted_by=by, restricted_at=now))
    else:
        existing.restricted_by, existing.restricted_at = by, now
    session.execute(delete(CaseHandler).where(CaseHandler.case_id == case_id))
    for user_id in sorted(set(handlers)):
        session.add(CaseHandler(case_id=case_id, user_id=user_id, added_at=now))
    session.flush()


def lift(session: Session, case_id: int) -> None:
    session.execute(delete(CaseHandler).where(CaseHandler.case_id == case_id))
    session.execute(delete(CaseRestriction).where(CaseRestriction.case_id == case_id))


def add_handler(session: Session, case_id: int, user_id: str, now: datetime) -> None:
    if session.get(CaseHandler, (case_id, user_id)) is None:
        session.add(CaseHandler(case_id=case_id, user_id=user_id, added_at=now))
        session.flush()


def exclude(session: Session, case_id: int, user_ids: Iterable[str]) -> None:
    for user_id in sorted(set(user_ids)):
        session.add(CaseExclusion(case_id=case_id, user_id=user_id))
    session.flush()


def pending_request(session: Session, case_id: int, user_id: str) -> AccessRequest | None:
    query = select(AccessRequest).where(
        AccessRequest.case_id == case_id,
        AccessRequest.user_id == user_id,
        AccessRequest.status == AccessRequestStatus.PENDING,
    )
    return session.scalars(query.limit(1)).first()


def add_request(session: Session, case_id: int, user_id: str, now: datetime) -> AccessRequest:
    request = AccessRequest(
        case_id=case_id, user_id=user_id, status=AccessRequestStatus.PENDING, requested_at=now
    )
    session.add(request)
    session.flush()
    return request


def decide(session: Session, request_id: int, *, status: str, by: str, now: datetime) -> bool:
    """Close a pending request; False when it was decided already (another lead was first)."""
    result = session.execute(
        update(AccessRequest)
        .where(AccessRequest.id == request_id, AccessRequest.status == AccessRequestStatus.PENDING)
        .values(status=status, decided_by=by, decided_at=now)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]


def requests(session: Session, case_id: int) -> Sequence[AccessRequest]:
    query = select(AccessRequest).where(AccessRequest.case_id == case_id)
    return session.scalars(query.order_by(AccessRequest.id)).all()
