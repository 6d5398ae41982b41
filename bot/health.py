"""Liveness and readiness: what `GET /healthz` and `GET /readyz` answer, in both modes.

Ready means the app can do its job now: the database answers and holds the schema this version
needs (not an older one left by `run --no-migrate`), Slack accepted the bot token (`auth.test` at
start), the bot can post in the desk channel (`bot.slack.desk_channel`), Socket Mode is connected
(in that mode), and the outbox is not stuck (the oldest waiting delivery is younger than
`READY_MAX_BACKLOG`). The bodies carry states and
counts only, never an id or a text.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, timedelta
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from bot.clock import Clock
from bot.slack.desk_channel import NOT_MEMBER, DeskChannel
from storage.db import SessionFactory, database_problem, known_revisions, schema_state
from storage.repositories import outbox as outbox_repo

SLACK_PENDING = "pending"
SLACK_AUTHENTICATED = "authenticated"
SLACK_UNREACHABLE = "unreachable"
SLACK_REFUSED = "refused"
SCHEMA_CURRENT = "current"


@dataclass(frozen=True)
class Backlog:
    waiting: int
    oldest_age_s: float


class Health:
    """Shared by the web handler, the metrics and the start-up code that learns Slack's state."""

    def __init__(
        self,
        *,
        engine: Engine,
        sessions: SessionFactory,
        clock: Clock,
        max_backlog: timedelta,
        desk_channel: DeskChannel | None = None,
    ) -> None:
        self._engine = engine
        self._sessions = sessions
        self._clock = clock
        self._max_backlog = max_backlog
        self._lock = threading.Lock()
        self._slack = SLACK_PENDING
        self._socket_connected: Callable[[], bool] | None = None
        self._known_revisions: tuple[str, ...] | None = None
        self._schema_current = False
        self._desk_channel = desk_channel

    def set_slack(self, state: str) -> None:
        with self._lock:
            self._slack = state

    @property
    def slack(self) -> str:
        with self._lock:
            return self._slack

    def watch_socket(self, is_connected: Callable[[], bool]) -> None:
        """Socket Mode: readiness also needs a live connection to Slack."""
        self._socket_connected = is_connected

    def schema(self) -> str:
        """`current`, or why not (`behind`, `ahead`, `empty`). Read from the database until it
        is current (one small query: an operator's `migrate` makes the process ready without a
        restart), then trusted: the schema of a running version does not go back by itself."""
        with self._lock:
            if self._schema_current:
                return SCHEMA_CURRENT
            if self._known_revisions is None:
                self._known_revisions = known_revisions()
            known = self._known_revisions
        status = schema_state(self._engine, known).status
        if status == SCHEMA_CURRENT:
            with self._lock:
                self._schema_current = True
        return status

    def backlog(self) -> Backlog:
        now = self._clock.now()
        with self._sessions() as session:
            waiting, oldest = outbox_repo.backlog(session, now=now)
        if oldest is None:
            return Backlog(waiting, 0.0)
        if oldest.tzinfo is None:
            oldest = oldest.replace(tzinfo=UTC)
        return Backlog(waiting, max(0.0, (now - oldest).total_seconds()))

    def alive(self) -> tuple[bool, dict[str, Any]]:
        """`/healthz`: the process serves and its database answers."""
        up = database_problem(self._engine) is None
        return up, {"ok": up, "database": "up" if up else "down"}

    def ready(self) -> tuple[bool, dict[str, Any]]:
        """`/readyz`: every condition in the module docstring, each named in the body."""
        body: dict[str, Any] = {}
        database_up = database_problem(self._engine) is None
        body["database"] = "up" if database_up else "down"
        body["slack"] = self.slack
        ready = database_up and body["slack"] == SLACK_AUTHENTICATED
        if self._desk_channel is not None:
            # Reports are stored while the bot cannot post there, but none reaches the desk.
            body["desk_channel"] = self._desk_channel.state()
            ready = ready and body["desk_channel"] != NOT_MEMBER
        if self._socket_connected is not None:
            connected = bool(self._socket_connected())
            body["socket_mode"] = "connected" if connected else "disconnected"
            ready = ready and connected
        if database_up:
            try:
                body["schema"] = self.schema()
                backlog = self.backlog()
            except SQLAlchemyError:  # the database went away between the queries
                ready = False
                body.setdefault("schema", "unknown")
                body["outbox"] = "unknown"
            else:
                ready = ready and body["schema"] == SCHEMA_CURRENT
                stuck = backlog.oldest_age_s > self._max_backlog.total_seconds()
                body["outbox"] = {
                    "waiting": backlog.waiting,
                    "oldest_age_s": round(backlog.oldest_age_s, 1),
                    "stuck": stuck,
                }
                ready = ready and not stuck
        return ready, {"ready": ready, **body}
