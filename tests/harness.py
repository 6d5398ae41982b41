"""A running Harassment Desk wired to a Slack stand-in, for tests, benchmarks and the playground.

`AppHarness` starts the real app (Bolt's HTTP path under waitress) in this process, against the
stand-in, with a database of your choice; `AppProcess` runs `harassment-desk run` as a separate
process (for kill -9 and multi-replica tests).
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import requests
from slack_sdk.errors import SlackApiError
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from waitress.server import create_server

from bot.app import Runtime, build_runtime
from bot.clock import Clock, SystemClock
from bot.config import Settings, load_settings
from bot.health import SLACK_AUTHENTICATED
from bot.keys import open_keyring
from bot.standin import SlackRequestSender, SlackStandIn
from bot.web import make_wsgi_app
from storage.crypto import Kek, parse_key_text
from storage.db import SessionFactory, make_engine, make_session_factory, migrate

SIGNING_SECRET = "test-signing-secret"
DESK_CHANNEL = "C0DESK0001"
DESK_STAFF = ("U0DESK0001", "U0DESK0002")
REPORTER_JA = "U0REPJA001"
REPORTER_EN = "U0REPEN001"
OUTSIDER = "U0OTHER001"
PROJECT_ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def populate_workspace(slack: SlackStandIn) -> None:
    """The people and channels every test starts with."""
    slack.add_user(REPORTER_JA, "hanako", tz="Asia/Tokyo", locale="ja-JP")
    slack.add_user(REPORTER_EN, "alex", tz="America/New_York", locale="en-US")
    slack.add_user(OUTSIDER, "outsider", tz="UTC", locale="en-GB")
    for user in DESK_STAFF:
        slack.add_user(user, user.lower(), tz="Asia/Tokyo", locale="ja-JP")
    slack.add_channel(DESK_CHANNEL, "kasuhara-desk", is_private=True, members=list(DESK_STAFF))
    slack.add_channel("C0GENERAL1", "general", is_private=False, members=[REPORTER_JA])


def same_clock() -> dict[str, str]:
    """What moves this process's date (libfaketime, in `tests/datecheck/run`), for a command
    run with an environment of its own: its clock must be the test's."""
    names = ("LD_PRELOAD", "FAKETIME", "FAKETIME_DONT_RESET", "FAKETIME_NO_CACHE")
    return {name: os.environ[name] for name in names if name in os.environ}


TEST_CASE_KEY = "dGVzdC1rZXktZm9yLWhhcmFzc21lbnQtZGVzay10ZXM="


def test_kek() -> Kek:
    """The key-encryption key of every test database (CASE_KEY in `base_env`)."""
    return Kek(parse_key_text(TEST_CASE_KEY))


test_kek.__test__ = False  # type: ignore[attr-defined]


def keyed_sessions(engine: Engine) -> SessionFactory:
    """Sessions on a test database that read and write its cases as the app does (the
    database's key check is recorded on first use, as the app's start does)."""
    return make_session_factory(engine, open_keyring(engine, test_kek()))


def base_env(slack: SlackStandIn, database_url: str, **overrides: str) -> dict[str, str]:
    env = {
        "SLACK_BOT_TOKEN": slack.bot_token,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "DESK_CHANNEL_ID": DESK_CHANNEL,
        "DATABASE_URL": database_url,
        # The key-encryption key of every test database (a PostgreSQL start needs one).
        "CASE_KEY": TEST_CASE_KEY,
        "SLACK_API_URL": slack.api_url,
        "DEFAULT_LOCALE": "ja",
        "SCHEDULER_TICK": "1s",
        "CHECKIN_HOURS": "0-24",
        "CHECKIN_WEEKDAYS": "all",
        "OUTBOX_LEASE": "3s",
        # The monthly report posts on the first desk day of a month; tests that want it say so.
        "MONTHLY_REPORT": "off",
        # The older tests read case texts in Slack's record: they run the app with texts in
        # Slack; the sealed mode (the default) has tests of its own (tests/access).
        "CASE_CONTENT_IN_SLACK": "full",
        # `check` tells whether these are free: not the defaults (3000, 3001), which anything
        # else on the machine may hold.
        "PORT": str(free_port()),
        "HEALTH_PORT": str(free_port()),
    }
    env.update(overrides)
    return env


@contextmanager
def temporary_postgres_database(server_url: str) -> Iterator[str]:
    """A fresh, uniquely named database on the server of `server_url`, dropped afterwards."""
    name = f"hd_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@dataclass
class AppHarness:
    """The app in this process: `url` takes signed requests, `slack` is what Slack saw."""

    slack: SlackStandIn
    database_url: str
    env_overrides: Mapping[str, str] = field(default_factory=dict)
    clock: Clock | None = None
    start_ticker: bool = True
    settings: Settings = field(init=False)
    runtime: Runtime = field(init=False)
    sender: SlackRequestSender = field(init=False)
    url: str = field(init=False)
    base_url: str = field(init=False)
    _server: Any = field(init=False, default=None)
    _thread: threading.Thread | None = field(init=False, default=None)

    def start(self) -> AppHarness:
        self.settings = load_settings(
            base_env(self.slack, self.database_url, **self.env_overrides), http_mode=True
        )
        migrate(make_engine(self.settings.database_url))
        self.runtime = build_runtime(self.settings, clock=self.clock)
        self._server = create_server(
            make_wsgi_app(
                self.runtime.app,
                self.runtime.deps.core.engine,
                self.settings.slack_signing_secret,
                health=self.runtime.health,
                metrics=self.runtime.deps.core.metrics,
            ),
            host="127.0.0.1",
            port=0,
            threads=8,
            ident="",
            # waitress's own body limit (MAX_BODY_BYTES in `run`) is left at its default here:
            # it closes the connection on a too-large body while the client still sends,
            # and tests of the app's own 413 (tests/faults/test_payloads.py) need the answer.
        )
        # What `harassment-desk run` learns from auth.test at start.
        with contextlib.suppress(SlackApiError):
            if self.runtime.deps.core.client.auth_test().get("ok"):
                self.runtime.health.set_slack(SLACK_AUTHENTICATED)
        self.base_url = f"http://127.0.0.1:{self._server.effective_port}"
        self.url = f"{self.base_url}/slack/events"
        self._thread = threading.Thread(target=self._server.run, daemon=True)
        self._thread.start()
        if self.start_ticker:
            self.runtime.start_background()
        self.sender = SlackRequestSender(self.url, SIGNING_SECRET, standin=self.slack)
        return self

    def stop(self) -> None:
        self.sender.close()
        self.runtime.stop()
        server = self._server

        def close_everything() -> None:
            # Runs inside waitress's own loop thread: closing sockets from another thread while
            # that thread waits on them raises EBADF there.
            for channel in list(server._map.values()):
                channel.close()

        server.trigger.pull_trigger(close_everything)
        if self._thread is not None:
            self._thread.join(timeout=5)
        server.task_dispatcher.shutdown()
        self.runtime.deps.core.engine.dispose()

    def __enter__(self) -> AppHarness:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def deps(self) -> Any:
        return self.runtime.deps

    def open_report_form(self, user_id: str = REPORTER_JA, text: str = "") -> dict[str, Any]:
        """Run `/harassment` as `user_id` and return the modal Slack was asked to open."""
        before = len(self.slack.calls_to("views.open"))
        response = self.sender.command("/harassment", text, user_id=user_id)
        assert response.status == 200, response.text
        self.slack.wait_for(lambda: len(self.slack.calls_to("views.open")) > before)
        call = self.slack.calls_to("views.open")[-1]
        assert call.response.get("ok"), call.response
        return dict(call.response["view"])

    def submit_report(
        self,
        view: dict[str, Any],
        values: Mapping[str, Any] | None = None,
        *,
        user_id: str = REPORTER_JA,
        headers: Mapping[str, str] | None = None,
    ) -> Any:
        """Submit the report modal with `values` merged over a valid minimal report."""
        now = self.runtime.deps.core.clock.now()
        payload = self.sender.view_submission(
            view, report_values(now=now, **(values or {})), user_id
        )
        if headers:
            import json
            from urllib.parse import urlencode

            return self.sender.send(
                urlencode({"payload": json.dumps(payload, ensure_ascii=False)}),
                "application/x-www-form-urlencoded",
                headers=dict(headers),
            )
        return self.sender.interaction(payload)


def report_values(now: datetime | None = None, **overrides: Any) -> dict[str, Any]:
    """State values for the report modal, by block id (see `build_state_values`); the time of
    the incident is ten minutes before `now`, which must be the app's clock when it is frozen."""
    moment = now or SystemClock().now()
    values: dict[str, Any] = {
        "in_danger": "no",
        "narrative": "The customer shouted at me for twenty minutes.",
        "categories": ["mental"],
        "occurred_at": int(moment.timestamp()) - 600,
        "contact_channel": "face_to_face",
        "customer_type": "customer",
        "identity": "named",
        "preferences": ["checkins"],
    }
    values.update(overrides)
    return values


class AppProcess:
    """`harassment-desk run --http` (or another WSGI app's `argv`) as a child process that
    can be killed with SIGKILL; `start()` waits until the app answers `/readyz` with 200
    (database up, Slack authenticated, outbox not stuck; another app's `/healthz`) and records
    `startup_s`."""

    def __init__(
        self,
        env: Mapping[str, str],
        port: int,
        argv: Sequence[str] | None = None,
        name: str = "harassment-desk",
        probe: str | None = None,
    ) -> None:
        self.env = {**os.environ, **env, "PORT": str(port), "HOST": "127.0.0.1"}
        self.port = port
        self.argv = list(argv or [sys.executable, "-m", "bot", "run", "--http"])
        self.probe = probe or ("/healthz" if argv else "/readyz")
        self.name = name
        self.process: subprocess.Popen[bytes] | None = None
        self.startup_s = 0.0
        # A file, not a pipe: nobody drains a pipe while the app runs, and once its buffer is
        # full the app would block on its next log line (a long outage logs a lot).
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 (lives as long as the process)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/slack/events"

    def start(self, timeout: float = 120.0) -> AppProcess:
        started = time.perf_counter()
        self.process = subprocess.Popen(
            self.argv, env=self.env, cwd=PROJECT_ROOT, stdout=subprocess.DEVNULL, stderr=self.log
        )
        health = f"http://127.0.0.1:{self.port}{self.probe}"
        with requests.Session() as session:
            while time.perf_counter() - started < timeout:
                if self.process.poll() is not None:
                    raise RuntimeError(f"{self.name} exited:\n{self.output()}")
                try:
                    if session.get(health, timeout=0.5).status_code == 200:
                        self.startup_s = time.perf_counter() - started
                        return self
                except requests.RequestException:
                    pass
                time.sleep(0.005)
        raise TimeoutError(f"{self.name} did not answer {self.probe}:\n{self.output()}")

    def output(self) -> str:
        """What the app logged so far (stderr)."""
        self.log.seek(0)
        return self.log.read().decode("utf-8", "replace")

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
