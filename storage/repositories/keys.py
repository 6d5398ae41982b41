"""The key check and the wrapped data keys: what start-up and `keys rotate` read and write."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine, func, inspect, select, update
from sqlalchemy.orm import Session

from storage.models import DataKey, EncryptionState

STATE_ID = 1


def has_state_table(engine: Engine) -> bool:
    """False on a schema from before encryption (`run --no-migrate` on an old database)."""
    with engine.connect() as connection:
        return bool(inspect(connection).has_table("encryption_state"))


def has_key_check(engine: Engine) -> bool:
    """Does the database hold a key check (and so, possibly, sealed cases)?"""
    with engine.connect() as connection:
        if not inspect(connection).has_table("encryption_state"):
            return False
        return connection.execute(select(EncryptionState.id)).first() is not None


def state(session: Session) -> EncryptionState | None:
    return session.get(EncryptionState, STATE_ID)


def any_data_key(session: Session) -> bool:
    return session.scalars(select(DataKey.subject).limit(1)).first() is not None


def record_state(session: Session, *, kek_id: str, index_secret: str, now: datetime) -> None:
    session.add(
        EncryptionState(id=STATE_ID, kek_id=kek_id, index_secret=index_secret, changed_at=now)
    )


def not_wrapped_by(session: Session, kek_id: str, limit: int) -> list[DataKey]:
    """Data keys still wrapped by another key than `kek_id` (rotation's next batch)."""
    query = (
        select(DataKey)
        .where(DataKey.kek_id != kek_id)
        .order_by(DataKey.subject, DataKey.subject_id)
        .limit(limit)
    )
    return list(session.scalars(query))


def rewrap(session: Session, key: DataKey, wrapped: str, kek_id: str) -> None:
    session.execute(
        update(DataKey)
        .where(DataKey.subject == key.subject, DataKey.subject_id == key.subject_id)
        .values(wrapped=wrapped, kek_id=kek_id)
    )


def count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(DataKey)) or 0)
