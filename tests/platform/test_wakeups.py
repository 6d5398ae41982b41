"""Issue 15: on PostgreSQL the web process wakes the worker after a commit (LISTEN/NOTIFY),
instead of the worker finding the rows at its next poll (0.25 s later)."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import text

from storage.db import make_engine
from storage.wakeups import Listener, Notifier
from tests.conftest import postgres_server_url
from tests.harness import temporary_postgres_database

# Long enough never to be reached on a loaded machine when a notification was sent; the
# tests that expect one do not wait for it to pass.
NOTIFIED_WITHIN_S = 30.0


@pytest.fixture
def postgres_url() -> Iterator[str]:
    server = postgres_server_url()
    assert server
    with temporary_postgres_database(server) as url:
        yield url


def test_a_notify_wakes_the_listener_and_silence_does_not(postgres_url: str) -> None:
    engine = make_engine(postgres_url)
    listener = Listener(postgres_url)
    notifier = Notifier(engine)
    try:
        assert listener.wait(0.2) is False  # connects and listens; nothing was sent
        notifier.notify()
        assert listener.wait(NOTIFIED_WITHIN_S) is True
        assert listener.wait(0.2) is False  # one notification wakes it once
    finally:
        notifier.close()
        listener.close()
        engine.dispose()


def test_a_burst_of_notifies_is_coalesced_and_still_wakes(postgres_url: str) -> None:
    engine = make_engine(postgres_url)
    listener = Listener(postgres_url)
    notifier = Notifier(engine)
    try:
        listener.wait(0.1)
        threads = [threading.Thread(target=notifier.notify) for _ in range(50)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert listener.wait(NOTIFIED_WITHIN_S) is True
    finally:
        notifier.close()
        listener.close()
        engine.dispose()


def test_the_listener_listens_again_after_losing_its_connection(postgres_url: str) -> None:
    engine = make_engine(postgres_url)
    listener = Listener(postgres_url)
    notifier = Notifier(engine)
    try:
        listener.wait(0.1)
        with engine.connect() as connection:
            terminated = connection.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE query LIKE 'LISTEN %' AND pid <> pg_backend_pid()"
                    " AND datname = current_database()"
                )
            ).all()
        assert terminated, "the listener's connection was not found"
        assert listener.wait(0.2) is False  # the lost connection is noticed, not raised
        listener.wait(0.1)  # listening again
        notifier.notify()
        assert listener.wait(NOTIFIED_WITHIN_S) is True
    finally:
        notifier.close()
        listener.close()
        engine.dispose()
