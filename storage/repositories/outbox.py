"""The outbox: Slack side effects stored with the change that caused them."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import ColumnElement, Connection, Table, and_, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from storage.encryption import CASE, seal_value
from storage.models import OutboxMessage, OutboxStatus


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
    session.flush()  # what the ORM's autoflush did: rows this one refers to exist first
    connection = session.connection()
    if case_id is not None:
        # A Core INSERT: the ORM hooks do not see it, so the case's payload is sealed here.
        values["payload"] = seal_value(
            session, connection, "outbox", "payload", (CASE, case_id), values["payload"]
        )
    statement = _insert_unless_present(connection.dialect.name)
    # rowcount is not reliable for ON CONFLICT DO NOTHING across drivers; RETURNING is.
    return connection.execute(statement, values).scalar_one_or_none() is not None


@functools.cache
def _insert_unless_present(dialect: str) -> Any:
    """The enqueue statement, built once per dialect (values are bound per call): building it
    for every row was a third of the cost of an enqueue. It is a Core statement on the table,
    run on the session's connection: no outbox object is wanted back, and the ORM's bulk-insert
    path and autoflush were two thirds of what was left (py-spy over `python -m bench`)."""
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    table = cast(Table, OutboxMessage.__table__)
    return insert(table).on_conflict_do_nothing().returning(table.c.id)


def _claimable(now: datetime) -> ColumnElement[bool]:
    """Pending rows that are due, and rows whose previous claim expired (a crashed worker)."""
    return or_(
        and_(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.next_attempt_at <= now),
        and_(
            OutboxMessage.status == OutboxStatus.SENDING,
            OutboxMessage.claimed_until < now,
        ),
    )


def claim_due(session: Session, *, now: datetime, lease: timedelta, limit: int) -> list[int]:
    """Claim pending rows that are due, and rows whose previous claim expired (a crashed worker)."""
    return [message.id for message, _ in claim_batch(session, now=now, lease=lease, limit=limit)]


def claim_batch(
    session: Session, *, now: datetime, lease: timedelta, limit: int
) -> list[tuple[OutboxMessage, str | None]]:
    """Claim up to `limit` due rows in two statements; returns them loaded (attempts already
    counting this one), each with the error its previous attempt left (None: none recorded,
    e.g. a worker died while sending).

    The claim itself counts the attempt and clears the last error, so a worker that dies from
    here on leaves that same trace for every row of the batch, sent or not."""
    claimable = _claimable(now)
    query = (
        select(OutboxMessage).where(claimable).order_by(OutboxMessage.next_attempt_at).limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    candidates = list(session.scalars(query))
    if not candidates:
        return []
    until = now + lease
    ours = set(
        session.scalars(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_([row.id for row in candidates]), claimable)
            .values(
                status=OutboxStatus.SENDING,
                claimed_until=until,
                attempts=OutboxMessage.attempts + 1,
                last_error=None,
            )
            .returning(OutboxMessage.id)
            .execution_options(synchronize_session=False)
        )
    )
    claimed = []
    for row in candidates:
        if row.id not in ours:
            session.expunge(row)
            continue
        previous_error = row.last_error
        # What the UPDATE wrote, without reading the rows again.
        set_committed_value(row, "status", OutboxStatus.SENDING)
        set_committed_value(row, "claimed_until", until)
        set_committed_value(row, "attempts", row.attempts + 1)
        set_committed_value(row, "last_error", None)
        claimed.append((row, previous_error))
    return claimed


def renew_claims(
    session: Session, message_ids: Sequence[int], *, held_until: datetime, until: datetime
) -> set[int]:
    """Extend our claim on rows that are still ours (one statement); returns their ids. A batch's
    later rows may outlive the lease taken when the batch was claimed, and another worker may
    have taken them since."""
    if not message_ids:
        return set()
    return set(
        session.scalars(
            update(OutboxMessage)
            .where(
                OutboxMessage.id.in_(list(message_ids)),
                OutboxMessage.status == OutboxStatus.SENDING,
                OutboxMessage.claimed_until == held_until,
            )
            .values(claimed_until=until)
            .returning(OutboxMessage.id)
            .execution_options(synchronize_session=False)
        )
    )


def get(session: Session, message_id: int) -> OutboxMessage | None:
    return session.get(OutboxMessage, message_id)


def has_due(connection: Connection, *, now: datetime) -> bool:
    """Whether any row is ready to be claimed now (one indexed lookup, for a worker's poll)."""
    query = select(OutboxMessage.id).where(_claimable(now)).limit(1)
    return connection.execute(query).first() is not None


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


def delivered_by_key(session: Session, dedupe_key: str) -> tuple[str, str] | None:
    """(channel, ts) of the delivered post enqueued under `dedupe_key` (unique, indexed)."""
    row = session.execute(
        select(OutboxMessage.result_channel, OutboxMessage.result_ts).where(
            OutboxMessage.dedupe_key == dedupe_key,
            OutboxMessage.status == OutboxStatus.DONE,
        )
    ).first()
    return (str(row[0]), str(row[1])) if row is not None and row[0] and row[1] else None


def backlog(session: Session, *, now: datetime) -> tuple[int, datetime | None]:
    """Deliveries waiting (due now, or already tried), and the creation time of the oldest:
    rows scheduled for later and never tried yet are not a backlog."""
    waiting = and_(
        OutboxMessage.status.in_((OutboxStatus.PENDING, OutboxStatus.SENDING)),
        or_(OutboxMessage.next_attempt_at <= now, OutboxMessage.attempts > 0),
    )
    count, oldest = session.execute(
        select(func.count(OutboxMessage.id), func.min(OutboxMessage.created_at)).where(waiting)
    ).one()
    return int(count), oldest
