"""The access log's chain under concurrent writers, both databases: every row chains onto the
one before it, whichever thread wrote it."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from bot.access import OPEN_CASE, SHOW_NAME, record_access, verify
from storage.db import make_engine, migrate
from tests.harness import keyed_sessions

THREADS = 8
EACH = 10


def test_concurrent_writers_keep_one_chain(database_url: str) -> None:
    engine = make_engine(database_url)
    migrate(engine)
    sessions = keyed_sessions(engine)
    start = datetime(2026, 12, 8, tzinfo=UTC)
    failures: list[BaseException] = []

    def write(slot: int) -> None:
        try:
            for i in range(EACH):
                with sessions.begin() as session:
                    record_access(
                        session,
                        actor_user_id=f"U0WRITER{slot:02d}",
                        case_id=slot,
                        action=OPEN_CASE if i % 2 else SHOW_NAME,
                        at=start + timedelta(seconds=i),
                    )
        except BaseException as exc:  # reported below, in the test's thread
            failures.append(exc)

    threads = [threading.Thread(target=write, args=(slot,)) for slot in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        assert failures == []
        with sessions() as session:
            report = verify(session)
        assert report.intact and report.rows == THREADS * EACH
    finally:
        engine.dispose()
