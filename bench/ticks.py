"""Scheduler tick time: the check-in claim on a database with N future check-ins and a few due."""

from __future__ import annotations

import gc
import statistics
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.data import claim_due_checkins, database, seed_cases, seed_checkins
from storage.db import make_engine, migrate
from tests.harness import keyed_sessions

DUE_NOW = 5
REPEATS = 40


def tick_ms(server_url: str | None, folder: Path, pending: int) -> float:
    """Median milliseconds of one claim transaction (rolled back, so every run sees the same
    rows), with `pending` check-ins due in the future and DUE_NOW due now."""
    now = datetime.now(UTC)
    with database(server_url, folder, f"ticks_{pending}") as url:
        engine = make_engine(url)
        migrate(engine)
        total = pending + DUE_NOW
        users = [f"UB{i % 5000:08d}" for i in range(total)]
        # Three check-ins per case, as CHECKIN_OFFSETS=1d,7d,30d gives.
        case_ids = seed_cases(engine, users[::3], now)
        owners = [case_ids[i // 3] for i in range(total)]
        due = [now - timedelta(minutes=1)] * DUE_NOW + [
            now + timedelta(hours=1, seconds=i) for i in range(pending)
        ]
        seed_checkins(engine, owners, users, due)
        if engine.dialect.name == "postgresql":
            with engine.begin() as connection:
                connection.exec_driver_sql("ANALYZE")
        sessions = keyed_sessions(engine)
        timings = []
        gc.collect()  # a collection in the middle of a timed claim is not the query's cost
        gc.disable()
        for _ in range(REPEATS):
            session = sessions()
            started = time.perf_counter()
            with session.begin():
                claimed = claim_due_checkins(session, now)
                elapsed = time.perf_counter() - started
                session.rollback()
            session.close()
            assert len(claimed) == DUE_NOW, f"claimed {len(claimed)} of {DUE_NOW} due check-ins"
            timings.append(elapsed)
        gc.enable()
        engine.dispose()
    return statistics.median(timings[5:]) * 1000
