"""The outbox: Slack side effects stored with the change that caused them."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from storage.models import OutboxMessage, OutboxStatus
from storage.repositories.claims import claim_rows


def enqueue(
    session: Session,
    *,
    kind: str,
    dedupe_key: str,
    now: datetime,
    case_id: int | None = None,
    payload: dict[str, Any] | None = None,
    not_before: datetime | None = None,
) -> bool:
    """Add a side effect unless one with the same `dedupe_key` exists. True when added."""
    values = {
        "kind": kind,
        "dedupe_key": dedupe_key,
        "case_id": case_id,
        "payload": payload or {},
        "status": OutboxStatus.PENDING,
        "attempts": 0,
        "next_attempt_at": not_before or now,
        "created_at": now,
    }
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = (
        insert(OutboxMessage).values(**values).on_conflict_do_nothing().returning(OutboxMessage.id)
    )
    # rowcount is not reliable for ON CONFLICT DO NOTHING across drivers; RETURNING is.
    return session.execute(statement).scalar_one_or_none() is not None


def claim_due(session: Session, *, now: datetime, lease: timedelta, limit: int) -> list[int]:
    """Claim pending rows that are due, and rows whose previous claim expired (a crashed worker)."""
    claimable = or_(
        and_(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.next_attempt_at <= now),
        and_(
            OutboxMessage.status == OutboxStatus.SENDING,
            OutboxMessage.claimed_until < now,
        ),
    )
    return claim_rows(
        session,
        OutboxMessage,
        claimable=claimable,
        order_by=OutboxMessage.next_attempt_at,
        limit=limit,
        claim_values={"status": OutboxStatus.SENDING, "claimed_until": now + lease},
    )


def renew_claim(
    session: Session, message_id: int, *, held_until: datetime, until: datetime
) -> bool:
    """Extend our claim on one row, if it is still ours: a batch's later rows may outlive the
    lease taken when the batch was claimed, and another worker may have taken them since."""
    result = session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            OutboxMessage.status == OutboxStatus.SENDING,
            OutboxMessage.claimed_until == held_until,
        )
        .values(claimed_until=until)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def get(session: Session, message_id: int) -> OutboxMessage | None:
    return session.get(OutboxMessage, message_id)


def pending_for_case(session: Session, case_id: int) -> list[OutboxMessage]:
    return list(
        session.scalars(
            select(OutboxMessage).where(OutboxMessage.case_id == case_id).order_by(OutboxMessage.id)
        )
    )


def has_failed(session: Session, *, case_id: int, kind: str) -> bool:
    """Whether a row of `kind` for the case failed for good (Slack refused it)."""
    failed = session.scalar(
        select(OutboxMessage.id)
        .where(
            OutboxMessage.case_id == case_id,
            OutboxMessage.kind == kind,
            OutboxMessage.status == OutboxStatus.FAILED,
        )
        .limit(1)
    )
    return failed is not None


def delivered(session: Session, case_id: int, kind: str) -> tuple[str, str] | None:
    """(channel, ts) of the case's delivered post of `kind` (e.g. the reporter's receipt)."""
    row = session.execute(
        select(OutboxMessage.result_channel, OutboxMessage.result_ts).where(
            OutboxMessage.case_id == case_id,
            OutboxMessage.kind == kind,
            OutboxMessage.status == OutboxStatus.DONE,
            OutboxMessage.result_ts.is_not(None),
        )
    ).first()
    return (str(row[0]), str(row[1])) if row is not None and row[0] else None
