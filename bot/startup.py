"""Start-up steps that fail with one line naming what to fix, or wait sensibly.

Every failure is a `StartupError` (the CLI prints `harassment-desk: <message>` and exits 2):
a database that does not come up within `DATABASE_WAIT`, a migration that fails, a bot token
Slack refuses, a public desk channel, an app-level token Slack refuses. A Slack that cannot be
reached is retried in the background while `/readyz` answers "not ready".
"""

from __future__ import annotations

import errno
import logging
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from bot.config import Settings
from bot.health import SLACK_AUTHENTICATED, SLACK_REFUSED, SLACK_UNREACHABLE
from bot.slack.client import probe_client
from bot.slack.desk_channel import DeskChannel
from storage.db import database_problem, describe_database_error, make_engine, migrate

if TYPE_CHECKING:
    from slack_bolt.adapter.socket_mode import SocketModeHandler
    from waitress.server import BaseWSGIServer

    from bot.app import Runtime

log = logging.getLogger("harassment_desk.startup")

# auth.test answers that no waiting can fix: the token is wrong, revoked or its user gone.
REFUSED_TOKEN_ERRORS = frozenset(
    {"invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired"}
)
SLACK_RETRY_MAX_S = 60.0


class StartupError(Exception):
    """One line for the operator: the setting or dependency, what went wrong, what to do."""


def say(message: str) -> None:
    """A progress line during start-up (before or beside the log), on stderr."""
    print(f"harassment-desk: {message}", file=sys.stderr, flush=True)


def database_location(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def sqlite_folder(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return None
    if parsed.database.startswith((":memory:", "file:")):
        return None
    return Path(parsed.database).absolute().parent


def open_database(settings: Settings) -> Engine:
    """The engine, once `SELECT 1` works; retried with backoff for `DATABASE_WAIT`."""
    where = database_location(settings.database_url)
    try:
        folder = sqlite_folder(settings.database_url)
        if folder is not None:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        engine = make_engine(settings.database_url)
    except OSError as exc:  # the SQLite folder cannot be created
        raise StartupError(f"DATABASE_URL: cannot create the database at {where} ({exc})") from None
    wait = settings.database_wait.total_seconds()
    deadline = time.monotonic() + wait
    delay, attempt = 1.0, 1
    while True:
        problem = database_problem(engine)
        if problem is None:
            location = (
                f"sqlite:///{folder / Path(engine.url.database or '').name}" if folder else where
            )
            log.info("database: %s", location)
            return engine
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            engine.dispose()
            raise StartupError(
                f"DATABASE_URL: cannot connect to {where} ({problem}); gave up after "
                f"DATABASE_WAIT={wait:g}s: check that the database runs and the URL is right"
            )
        pause = min(delay, remaining)
        say(
            f"database at {where} not reachable yet (try {attempt}: {problem}); "
            f"retrying in {pause:.0f}s"
        )
        time.sleep(pause)
        delay, attempt = min(delay * 2, 10.0), attempt + 1


def migrate_or_fail(engine: Engine) -> None:
    try:
        migrate(engine)
    except SQLAlchemyError as exc:
        raise StartupError(
            f"DATABASE_URL: upgrading the schema failed ({describe_database_error(exc)}); "
            "the database must be writable by this user"
        ) from None


def refused_bot_token(error: str) -> str:
    """The line for a bot token Slack refuses, the same from `run` and `check`."""
    return (
        f"SLACK_BOT_TOKEN: Slack refused the token ({error}); copy the Bot User OAuth Token "
        "(xoxb-…) again from OAuth & Permissions, or reinstall the app"
    )


def refused_app_token(error: str) -> str:
    """The line for an app-level token Slack refuses, the same from `run` and `check`."""
    return (
        f"SLACK_APP_TOKEN: Slack refused the app-level token ({error}); create one "
        "with the connections:write scope under Basic Information > App-Level Tokens"
    )


def _auth_test(client: WebClient) -> str | None:
    """None when Slack accepted the token; raises for a refused one; else why it failed."""
    try:
        client.auth_test()
    except SlackApiError as exc:
        error = str(exc.response.get("error") or f"HTTP {exc.response.status_code}")
        if error in REFUSED_TOKEN_ERRORS:
            raise StartupError(refused_bot_token(error)) from None
        return error
    except (SlackClientError, OSError) as exc:
        return type(exc).__name__
    return None


def check_desk_channel(settings: Settings, client: WebClient, desk: DeskChannel) -> None:
    """Refuse a public desk channel. One the bot is not in yet is logged (once) and makes
    `/readyz` answer 503 until someone invites the bot: reports wait in the outbox meanwhile."""
    channel_id = settings.desk_channel_id
    try:
        info = client.conversations_info(channel=channel_id)
    except SlackApiError as exc:
        error = str(exc.response.get("error"))
        if error == "missing_scope" and exc.response.get("needed") == "channels:read":
            # The manifest asks for groups:read only, so only a public channel needs more.
            raise StartupError(public_channel_problem(channel_id)) from None
        desk.learn_error(error)
        return
    except (SlackClientError, OSError):
        return
    channel = info.get("channel") or {}
    if not channel.get("is_private", True):
        raise StartupError(public_channel_problem(channel_id))
    desk.learn_info(channel)


def public_channel_problem(channel_id: str) -> str:
    return (
        f"DESK_CHANNEL_ID: {channel_id} is a public channel; reports must go to a private "
        "channel: create one, invite the bot and set its id"
    )


def authenticate_slack(settings: Settings, runtime: Runtime) -> None:
    """`auth.test` once now: a refused token stops the start. An unreachable Slack is retried
    in the background (backoff up to a minute) while `/readyz` says so."""
    client = probe_client(settings)
    health = runtime.health
    problem = _auth_test(client)
    if problem is None:
        health.set_slack(SLACK_AUTHENTICATED)
        check_desk_channel(settings, client, runtime.deps.core.desk_channel)
        return
    health.set_slack(SLACK_UNREACHABLE)
    say(f"Slack not reachable at {settings.slack_api_url} ({problem}); retrying, not ready")

    def retry() -> None:
        delay = 1.0
        while True:
            time.sleep(delay)
            try:
                again = _auth_test(client)
            except StartupError as exc:
                health.set_slack(SLACK_REFUSED)
                log.error("%s", exc)
                return
            if again is None:
                health.set_slack(SLACK_AUTHENTICATED)
                log.info("Slack reachable again: bot token accepted")
                runtime.deps.core.desk_channel.check()
                return
            delay = min(delay * 2, SLACK_RETRY_MAX_S)
            log.warning("Slack still not reachable (%s); retrying in %.0fs", again, delay)

    threading.Thread(target=retry, name="slack-auth-retry", daemon=True).start()


def connect_socket_mode(settings: Settings, runtime: Runtime) -> SocketModeHandler:
    """Open the Socket Mode connection; a refused app token is one line and exit 2."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    handler = SocketModeHandler(
        runtime.app,
        settings.slack_app_token,
        # Only for apps.connections.open: the loop below retries and says so once per try.
        web_client=probe_client(settings, settings.slack_app_token),
        proxy=settings.slack_proxy,
    )
    runtime.health.watch_socket(handler.client.is_connected)
    delay = 1.0
    while True:
        try:
            handler.connect()
            return handler
        except SlackApiError as exc:
            error = exc.response.get("error")
            handler.close()
            raise StartupError(refused_app_token(str(error))) from None
        except (SlackClientError, OSError) as exc:
            say(f"Socket Mode: cannot reach Slack ({type(exc).__name__}); retrying in {delay:.0f}s")
            time.sleep(delay)
            delay = min(delay * 2, SLACK_RETRY_MAX_S)


def serve_health_in_background(settings: Settings, server: BaseWSGIServer) -> None:
    """Socket Mode has no HTTP endpoint for Slack; probes and metrics get `HEALTH_PORT` (its
    socket is bound already, see `bot.cli.bind_server`)."""
    threading.Thread(target=server.run, name="health-http", daemon=True).start()
    log.info("health endpoints on http://%s:%s/readyz", settings.host, settings.health_port)


def port_problem(setting: str, host: str, port: int, exc: OSError) -> str:
    """The one line for a port that cannot be listened on (shared by `run` and `check`)."""
    where = f"{host}:{port}"
    if exc.errno == errno.EADDRINUSE:
        return (
            f"{setting}: {where} is already in use by another program (or another "
            f"harassment-desk); stop it, or set {setting} to a free port"
        )
    if exc.errno == errno.EACCES:
        return (
            f"{setting}: not allowed to listen on {where} (ports below 1024 need privileges); "
            f"set {setting} to 1024 or above"
        )
    if exc.errno == errno.EADDRNOTAVAIL:
        return f"HOST: {host} is not an address of this machine; set HOST (0.0.0.0: every one)"
    return f"{setting}: cannot listen on {where} ({exc.strerror or exc}); set {setting}"
