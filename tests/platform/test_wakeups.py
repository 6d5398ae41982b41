"""On PostgreSQL the web process wakes the worker after a commit (LISTEN/NOTIFY),
instead of the worker finding the rows at its next poll (0.25 s later)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import Engine, text

from storage.db import make_engine
from storage.wakeups import Listener, Notifier

# Long enough never to be reached on a loaded machine when a notification was sent; the
# tests that expect one do not wait for it to pass.
NOTIFIED_WITHIN_S = 30.0


@dataclass
class Wakeups:
    engine: Engine
    listener: Listener
    notifier: Notifier


@pytest.fixture
def wakeups(postgres_url: str) -> Iterator[Wakeups]:
    engine = make_engine(postgres_url)
    pair = Wakeups(engine, Listener(postgres_url), Notifier(engine))
    try:
        yield pair
    finally:
        pair.notifier.close()
        pair.listener.close()
        engine.dispose()


def test_a_notify_wakes_the_listener_and_silence_does_not(wakeups: Wakeups) -> None:
    assert wakeups.listener.wait(0.2) is False  # connects and listens; nothing was sent
    wakeups.notifier.notify()
    assert wakeups.listener.wait(NOTIFIED_WITHIN_S) is True
    assert wakeups.listener.wait(0.2) is False  # one notification wakes it once


def test_a_burst_of_notifies_is_coalesced_and_still_wakes(wakeups: Wakeups) -> None:
    wakeups.listener.wait(0.1)
    threads = [threading.Thread(target=wakeups.notifier.notify) for _ in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert wakeups.listener.wait(NOTIFIED_WITHIN_S) is True


def test_the_listener_listens_again_after_losing_its_connection(wakeups: Wakeups) -> None:
    wakeups.listener.wait(0.1)
    with wakeups.engine.connect() as connection:
        terminated = connection.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE query LIKE 'LISTEN %' AND pid <> pg_backend_pid()"
                " AND datname = current_database()"
            )
        ).all()
    assert terminated, "the listener's connection was not found"
    assert wakeups.listener.wait(0.2) is False  # the lost connection is noticed, not raised
    wakeups.listener.wait(0.1)  # listening again
    wakeups.notifier.notify()
    assert wakeups.listener.wait(NOTIFIED_WITHIN_S) is True
