"""Databases for the benchmark (a SQLite file or a temporary PostgreSQL database) and bulk rows."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, insert, select
from sqlalchemy.orm import Session

from storage.models import Case, CheckIn, CheckInStatus, SlackUser
from storage.repositories import checkins as checkins_repo
from tests.harness import DESK_CHANNEL, temporary_postgres_database

CHUNK = 5_000


@contextmanager
def database(server_url: str | None, folder: Path, name: str) -> Iterator[str]:
    """A fresh, empty database: `folder/name.db` on SQLite, a temporary database on PostgreSQL."""
    if server_url is None:
        yield f"sqlite:///{folder / (name + '.db')}"
        return
    with temporary_postgres_database(server_url) as url:
        yield url


def _insert(engine: Engine, model: Any, rows: Sequence[dict[str, Any]]) -> None:
    with engine.begin() as connection:
        for start in range(0, len(rows), CHUNK):
            connection.execute(insert(model), list(rows[start : start + CHUNK]))


def seed_cases(engine: Engine, reporters: Sequence[str], now: datetime) -> list[int]:
    """One stored, already announced case per entry of `reporters`; returns their ids."""
    rows = [
        {
            "reference": f"CH-BENCH-{i:07d}",
            "submission_key": f"bench-{i}",
            "reporter_user_id": user,
            "reporter_locale": "ja",
            "identity": "named",
            "categories": ["mental"],
            "occurred_at": now - timedelta(days=1),
            "contact_channel": "face_to_face",
            "customer_type": "customer",
            "narrative": "bench",
            "desk_channel_id": DESK_CHANNEL,
            "desk_message_ts": f"1700000000.{i:06d}",
            "created_at": now - timedelta(days=1),
            "updated_at": now - timedelta(days=1),
        }
        for i, user in enumerate(reporters)
    ]
    _insert(engine, Case, rows)
    with Session(engine) as session:
        return list(session.scalars(select(Case.id).order_by(Case.id)))


def seed_checkins(
    engine: Engine, case_ids: Sequence[int], users: Sequence[str], due: Sequence[datetime]
) -> None:
    """A scheduled check-in per (case, user, due time)."""
    created = min(due) - timedelta(days=1)
    rows = [
        {
            "case_id": case_id,
            "user_id": user,
            "sequence": 1,
            "due_at": due_at,
            "status": CheckInStatus.SCHEDULED,
            "created_at": created,
        }
        for case_id, user, due_at in zip(case_ids, users, due, strict=True)
    ]
    _insert(engine, CheckIn, rows)


def seed_profiles(engine: Engine, users: Sequence[str], now: datetime) -> None:
    """Cached users.info rows, as a workspace that has been in use for a while would have."""
    rows = [{"user_id": u, "locale": "ja-JP", "tz": "Asia/Tokyo", "fetched_at": now} for u in users]
    _insert(engine, SlackUser, rows)


def claim_due_checkins(session: Session, now: datetime) -> list[int]:
    """One scheduler tick's check-in claim, with the check-in feature's own query."""
    return checkins_repo.claim_due(session, now=now, lease=timedelta(seconds=30), limit=50)
