"""kill -9 while due check-ins are being dispatched: every due check-in is sent exactly once.

Written against the check-ins contract (CheckIn rows, claimed by a TickJob and sent as DMs
through the outbox).
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from bench.data import seed_cases, seed_checkins, seed_profiles
from bot.standin import SlackStandIn
from storage.db import make_engine, migrate
from storage.models import CheckIn, CheckInStatus
from tests.conftest import postgres_server_url
from tests.harness import (
    AppProcess,
    base_env,
    free_port,
    populate_workspace,
    temporary_postgres_database,
)

# Fault tests (kills, broken payloads, outages): `pytest -m faults` runs only these,
# `pytest -m 'not faults'` everything else; a plain `pytest` (and .ci/run) runs all.
pytestmark = pytest.mark.faults

PEOPLE = 80


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'desk.db'}"
        return
    server = postgres_server_url()
    assert server
    with temporary_postgres_database(server) as url:
        yield url


def test_kill_9_while_checkins_are_dispatched_sends_each_once(db_url: str) -> None:
    rng = random.Random(9)
    now = datetime.now(UTC)
    users = [f"UK{i:08d}" for i in range(PEOPLE)]  # one check-in each: one DM per person
    engine = make_engine(db_url)
    migrate(engine)
    case_ids = seed_cases(engine, users, now)
    seed_profiles(engine, users, now)
    seed_checkins(engine, case_ids, users, [now - timedelta(minutes=5)] * PEOPLE)
    with SlackStandIn() as slack:
        populate_workspace(slack)
        for user in users:
            slack.add_user(user, user.lower(), tz="Asia/Tokyo", locale="ja-JP")
        # Slow Slack down a little so the kills land in the middle of the dispatch.
        slack.set_latency("chat.postMessage", 0.03)
        process = AppProcess(base_env(slack, db_url, OUTBOX_LEASE="2s"), free_port()).start()
        kills = 0
        stop = threading.Event()

        def chaos() -> None:
            nonlocal kills
            while not stop.is_set() and kills < 6:
                time.sleep(rng.uniform(0.2, 0.7))
                process.kill()
                kills += 1
                process.start()

        thread = threading.Thread(target=chaos)
        thread.start()
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                if all(slack.dms(user) for user in users) and not thread.is_alive():
                    break
                time.sleep(0.25)
            stop.set()
            thread.join()
            if process.process is None or process.process.poll() is not None:
                process.start()
            slack.wait_for(lambda: all(slack.dms(user) for user in users), timeout=30)
            time.sleep(2)  # a duplicate would arrive now
        finally:
            stop.set()
            process.stop()
        dms = {user: len(slack.dms(user)) for user in users}
    with engine.connect() as connection:
        sent = connection.scalar(
            select(func.count())
            .select_from(CheckIn)
            .where(CheckIn.status != CheckInStatus.SCHEDULED)
        )
    engine.dispose()
    counts = {
        "kills": kills,
        "checkins_due": PEOPLE,
        "checkins_sent_dm": sum(1 for n in dms.values() if n),
        "duplicates": sum(n - 1 for n in dms.values() if n > 1),
        "rows_no_longer_scheduled": sent,
    }
    print(f"\ncheck-in fault counts: {counts}")
    assert counts["checkins_sent_dm"] == PEOPLE, counts
    assert counts["duplicates"] == 0, counts
    assert counts["rows_no_longer_scheduled"] == PEOPLE, counts
    assert kills >= 2, counts
