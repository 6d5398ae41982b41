"""The access log's rows (bot/access computes their hashes). Functions take a session; the
caller owns the transaction."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from storage.models import AccessEntry

CHAIN_LOCK_KEY = "access_log_chain"


def lock_chain(session: Session) -> None:
    """Hold the chain's head until the transaction ends: on PostgreSQL an advisory lock, so
    two writers never both chain onto the same row; on SQLite every writing transaction
    already begins with BEGIN IMMEDIATE (storage/db.py), the database's one write lock."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": CHAIN_LOCK_KEY}
        )


def head(session: Session) -> AccessEntry | None:
    return session.scalars(select(AccessEntry).order_by(AccessEntry.id.desc()).limit(1)).first()


def add(session: Session, entry: AccessEntry) -> None:
    session.add(entry)
    session.flush()


def in_order(session: Session, batch: int = 1000) -> Iterator[AccessEntry]:
    """Every row by id, read in batches (the log grows with every read)."""
    after = 0
    while True:
        rows = session.scalars(
            select(AccessEntry).where(AccessEntry.id > after).order_by(AccessEntry.id).limit(batch)
        ).all()
        if not rows:
            return
        yield from rows
        after = rows[-1].id
        session.expunge_all()


def for_case(session: Session, case_id: int, limit: int = 200) -> Sequence[AccessEntry]:
    return session.scalars(
        select(AccessEntry)
        .where(AccessEntry.case_id == case_id)
        .order_by(AccessEntry.id.desc())
        .limit(limit)
    ).all()


def last_at(
    session: Session, case_ids: Iterable[int], actions: Sequence[str]
) -> dict[int, datetime]:
    """The newest time each case had one of `actions`."""
    ids = list(case_ids)
    if not ids:
        return {}
    rows = session.execute(
        select(AccessEntry.case_id, func.max(AccessEntry.at))
        .where(AccessEntry.case_id.in_(ids), AccessEntry.action.in_(actions))
        .group_by(AccessEntry.case_id)
    ).all()
    return {int(case_id): at for case_id, at in rows if case_id is not None}


def times(session: Session, case_id: int, action: str, limit: int = 20) -> Sequence[datetime]:
    return session.scalars(
        select(AccessEntry.at)
        .where(AccessEntry.case_id == case_id, AccessEntry.action == action)
        .order_by(AccessEntry.id.desc())
        .limit(limit)
    ).all()
