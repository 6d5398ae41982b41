"""Check-ins: scheduled wellbeing DMs, claimed by ticks through the (status, due_at) index."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import Table, and_, func, insert, or_, select, update
from sqlalchemy.orm import Session

from storage.models import Case, CheckIn, CheckInStatus, SlackUser
from storage.repositories.claims import claim_rows


def add(
    session: Session, *, case_id: int, user_id: str, sequence: int, due_at: datetime, now: datetime
) -> CheckIn:
    checkin = CheckIn(
        case_id=case_id,
        user_id=user_id,
        sequence=sequence,
        due_at=due_at,
        status=CheckInStatus.SCHEDULED,
        created_at=now,
    )
    session.add(checkin)
    session.flush()
    return checkin


def add_many(
    session: Session,
    *,
    case_id: int,
    user_id: str,
    due: Sequence[datetime],
    now: datetime,
    first_sequence: int = 1,
) -> int:
    """Several check-ins for one case in one INSERT, numbered from `first_sequence`; returns
    how many. A Core statement: nobody needs the objects back, and building them and flushing
    them through the unit of work was a tenth of a report's transaction (py-spy, `bench`)."""
    rows = [
        {
            "case_id": case_id,
            "user_id": user_id,
            "sequence": sequence,
            "due_at": due_at,
            "status": CheckInStatus.SCHEDULED,
            "created_at": now,
        }
        for sequence, due_at in enumerate(due, start=first_sequence)
    ]
    if rows:
        session.flush()  # the case (and whatever else is pending) is written first
        session.connection().execute(insert(cast(Table, CheckIn.__table__)), rows)
    return len(rows)


def get(session: Session, checkin_id: int) -> CheckIn | None:
    return session.get(CheckIn, checkin_id)


def for_case(session: Session, case_id: int) -> Sequence[CheckIn]:
    return session.scalars(
        select(CheckIn).where(CheckIn.case_id == case_id).order_by(CheckIn.due_at, CheckIn.id)
    ).all()


def next_sequence(session: Session, case_id: int) -> int:
    current = session.scalar(select(func.max(CheckIn.sequence)).where(CheckIn.case_id == case_id))
    return (current or 0) + 1


def claim_due(session: Session, *, now: datetime, lease: timedelta, limit: int) -> list[int]:
    """Claim scheduled check-ins that are due. The caller decides, in the same transaction,
    whether each goes out now or moves to the reporter's next allowed hour."""
    claimable = and_(
        CheckIn.status == CheckInStatus.SCHEDULED,
        CheckIn.due_at <= now,
        or_(CheckIn.claimed_until.is_(None), CheckIn.claimed_until < now),
    )
    return claim_rows(
        session,
        CheckIn,
        claimable=claimable,
        order_by=CheckIn.due_at,
        limit=limit,
        claim_values={"claimed_until": now + lease},
    )


def claim_unanswered_in_danger(session: Session, *, sent_before: datetime, limit: int) -> list[int]:
    """Sent check-ins of in-danger cases with no answer since `sent_before`, not flagged yet.

    The claim itself is the flag (`response = 'unanswered'` while the check-in stays open), so
    the desk hears about each one once, whichever replica ticks first.
    """
    in_danger = select(Case.id).where(Case.in_danger.is_(True))
    claimable = and_(
        CheckIn.status == CheckInStatus.SENT,
        CheckIn.response.is_(None),
        CheckIn.sent_at <= sent_before,
        CheckIn.case_id.in_(in_danger),
    )
    return claim_rows(
        session,
        CheckIn,
        claimable=claimable,
        order_by=CheckIn.due_at,
        limit=limit,
        claim_values={"response": "unanswered"},
    )


def get_many(session: Session, ids: Iterable[int]) -> list[CheckIn]:
    wanted = list(ids)
    if not wanted:
        return []
    return list(session.scalars(select(CheckIn).where(CheckIn.id.in_(wanted))))


def time_zones(session: Session, user_ids: Iterable[str]) -> dict[str, str | None]:
    """Cached Slack time zones (no Slack call: callers may be inside a transaction)."""
    wanted = sorted(set(user_ids))
    if not wanted:
        return {}
    rows = session.execute(
        select(SlackUser.user_id, SlackUser.tz).where(SlackUser.user_id.in_(wanted))
    )
    return {user_id: tz for user_id, tz in rows}


def mark_answered(session: Session, checkin_id: int, *, response: str, now: datetime) -> bool:
    """Record an answer unless one was recorded already (a double click, a second device)."""
    result = session.execute(
        update(CheckIn)
        .where(CheckIn.id == checkin_id, CheckIn.status == CheckInStatus.SENT)
        .values(status=CheckInStatus.ANSWERED, response=response, responded_at=now)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def cancel_scheduled(session: Session, case_id: int) -> int:
    result = session.execute(
        update(CheckIn)
        .where(CheckIn.case_id == case_id, CheckIn.status == CheckInStatus.SCHEDULED)
        .values(status=CheckInStatus.CANCELLED, claimed_until=None)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]
