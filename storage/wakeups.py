"""Waking a worker process the moment the web process commits outbox rows (PostgreSQL only).

Without a wake-up, a worker finds new rows at its next poll (`bot.worker.POLL_INTERVAL`,
0.25 s): a reply relayed between desk and reporter took 250 ms on PostgreSQL against 13 ms on
SQLite, where one process does both (`python -m bench`, 2 Dec 2026). PostgreSQL's
LISTEN/NOTIFY carries the wake-up. The poll stays as the fallback: a notification that is
missed (the worker reconnecting, the web process failing to send it) only delays deliveries
until the next poll, and nothing travels in the notification itself.
"""

from __future__ import annotations

import logging
import threading

import psycopg
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

log = logging.getLogger(__name__)

CHANNEL = "harassment_desk_outbox"


def libpq_url(database_url: str) -> str:
    """The SQLAlchemy URL as psycopg takes it (no `+psycopg` driver part)."""
    return make_url(database_url).set(drivername="postgresql").render_as_string(False)


class Notifier:
    """The web process's side: `notify()` returns at once, from any thread; one background
    thread sends the NOTIFY, so a burst of commits costs one round trip, not one each."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._wanted = threading.Event()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="outbox-notify", daemon=True)
        self._thread.start()

    def notify(self) -> None:
        self._wanted.set()

    def close(self) -> None:
        self._stopping.set()
        self._wanted.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        while True:
            self._wanted.wait()
            if self._stopping.is_set():
                return
            self._wanted.clear()
            try:
                with self._engine.connect() as connection:
                    connection.execute(text("SELECT pg_notify(:channel, '')"), {"channel": CHANNEL})
                    connection.commit()
            except SQLAlchemyError as exc:
                # The worker's poll finds the rows a moment later.
                log.warning("waking the worker failed: %s", type(exc).__name__)


class Listener:
    """A worker's side: `wait(timeout)` returns True as soon as a NOTIFY arrives, False after
    `timeout` seconds without one. It reconnects after losing its connection."""

    def __init__(self, database_url: str) -> None:
        self._url = libpq_url(database_url)
        self._connection: psycopg.Connection[object] | None = None

    def wait(self, timeout: float) -> bool:
        try:
            connection = self._connect()
            for _ in connection.notifies(timeout=timeout, stop_after=1):
                return True
            return False
        except psycopg.Error as exc:
            log.warning("listening for new deliveries failed: %s", type(exc).__name__)
            self.close()
            # Not a busy loop while the database is away; the caller polls meanwhile.
            threading.Event().wait(timeout)
            return False

    def close(self) -> None:
        if self._connection is not None:
            try:
                self._connection.close()
            finally:
                self._connection = None

    def _connect(self) -> psycopg.Connection[object]:
        if self._connection is None or self._connection.closed:
            connection: psycopg.Connection[object] = psycopg.connect(self._url, autocommit=True)
            connection.execute(f"LISTEN {CHANNEL}")
            self._connection = connection
        return self._connection
