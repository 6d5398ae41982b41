"""The desk membership generation: one counter every replica reads before trusting its cache."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from storage.models import StaffGeneration

ROW_ID = 1


def read_outside_transactions(engine: Engine) -> int:
    """The generation, read on a pooled connection outside SQLAlchemy's transaction events.

    Every desk check asks this, also from code that already holds a write transaction (an
    outbox renderer deciding whether an App Home shows the desk): on SQLite a second session
    would queue for the writer lock its own thread holds. A bare SELECT needs no lock."""
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        try:
            cursor.execute(f"SELECT value FROM {StaffGeneration.__tablename__} WHERE id = {ROW_ID}")
            row = cursor.fetchone()
        finally:
            cursor.close()
        raw.rollback()
    finally:
        raw.close()
    return int(row[0]) if row else 0


def bump(session: Session, now: datetime) -> None:
    """Add one to the generation (creating the row the first time), atomically."""
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    session.execute(
        insert(StaffGeneration)
        .values(id=ROW_ID, value=0, changed_at=now)
        .on_conflict_do_nothing(index_elements=["id"])
    )
    session.execute(
        update(StaffGeneration)
        .where(StaffGeneration.id == ROW_ID)
        .values(value=StaffGeneration.value + 1, changed_at=now)
    )
