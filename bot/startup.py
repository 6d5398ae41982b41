"""Start-up steps that fail with one line naming what to fix, or wait sensibly.

Every failure is a `StartupError`: the CLI prints `harassment-desk: <message>` and exits with
its `exit_status`. 2 (`EXIT_SETTING`) is for what someone must fix: a database this user cannot
write, a refused database login, a migration that fails, a bot token Slack refuses, a public desk
channel, an app-level token Slack refuses. 75 (`EXIT_NOT_READY`, EX_TEMPFAIL) is for a database
that did not come up within `DATABASE_WAIT`: the systemd unit restarts the service on it, with
a back-off. A Slack that cannot be reached is retried in the background while `/readyz` answers
"not ready".
"""

from __future__ import annotations

import errno
import logging
import os
import pwd
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
from storage.db import (
    CANNOT_OPEN,
    LOGIN_REFUSED,
    NO_SUCH_DATABASE,
    NOT_PERMITTED,
    READ_ONLY,
    SQLITE_COMPANIONS,
    DatabaseFailure,
    UnknownRevision,
    classify_database_error,
    database_failure,
    known_revisions,
    make_engine,
    migrate_to,
    schema_state,
    short_revision,
)

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


EXIT_SETTING = 2
EXIT_NOT_READY = 75  # EX_TEMPFAIL: try again later


class StartupError(Exception):
    """One line for the operator: the setting or dependency, what went wrong, what to do."""

    exit_status = EXIT_SETTING


class NotReadyError(StartupError):
    """A dependency that is not up yet (the database past DATABASE_WAIT): a later start may
    work, so the service manager restarts on this exit status and not on `EXIT_SETTING`."""

    exit_status = EXIT_NOT_READY


def say(message: str) -> None:
    """A progress line during start-up (before or beside the log), on stderr."""
    print(f"harassment-desk: {message}", file=sys.stderr, flush=True)


def database_location(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def without_password(url: str, text: str) -> str:
    """`text` with the URL's password, should a driver ever echo it, replaced by `***`."""
    password = make_url(url).password
    if password and len(str(password)) >= 4:
        return text.replace(str(password), "***")
    return text


def sqlite_path(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return None
    if parsed.database.startswith((":memory:", "file:")):
        return None
    return Path(parsed.database).absolute()


def _this_user() -> str:
    try:
        return pwd.getpwuid(os.geteuid()).pw_name
    except KeyError:
        return f"uid {os.geteuid()}"


def _writable(path: Path, mode: int) -> bool:
    return os.access(path, mode, effective_ids=os.access in os.supports_effective_ids)


def sqlite_access_problem(path: Path) -> str | None:
    """Can this user create and write the SQLite file and its companions? SQLite writes `-wal`
    and `-shm` beside the database, so the folder must be writable as well as the file. Creates
    the folder (0700) when it is missing, as `run` always has."""
    folder, user = path.parent, _this_user()
    elsewhere = "or point DATABASE_URL at a folder this user can write"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        return (
            f"DATABASE_URL: cannot create the folder {folder} ({exc.strerror}): create it for "
            f"user {user} (mkdir -p {folder} && chown {user} {folder}), {elsewhere}"
        )
    if not _writable(folder, os.W_OK | os.X_OK):
        return (
            f"DATABASE_URL: the folder {folder} is not writable by user {user} (SQLite writes "
            f"its -wal and -shm files beside {path.name}): chown {user} {folder}, {elsewhere}"
        )
    for suffix in SQLITE_COMPANIONS:
        file = path.with_name(path.name + suffix)
        if file.exists() and not _writable(file, os.R_OK | os.W_OK):
            return (
                f"DATABASE_URL: the database file {file} is read-only for user {user}: "
                f"chown {user} {file} && chmod 600 {file}, {elsewhere}"
            )
    return None


def database_failure_message(settings: Settings, failure: DatabaseFailure) -> str | None:
    """The line for a failure that waiting cannot fix, None for one that may pass."""
    url = settings.database_url
    where = database_location(url)
    reason = without_password(url, failure.reason)
    if failure.kind == LOGIN_REFUSED:
        return (
            f"DATABASE_URL: {where} refused the login ({reason}); not retried, as waiting will "
            "not change it: check the user name and password in DATABASE_URL (percent-encode "
            "@ # / in them: %40 %23 %2F)"
        )
    if failure.kind == NO_SUCH_DATABASE:
        return (
            f"DATABASE_URL: {where}: the database does not exist ({reason}): create it "
            "(createdb) or correct its name in DATABASE_URL"
        )
    if failure.kind in (READ_ONLY, CANNOT_OPEN, NOT_PERMITTED):
        return (
            f"DATABASE_URL: {where} cannot be written by user {_this_user()} ({reason}): "
            "give this user write access to the database (and, for SQLite, to its folder)"
        )
    return None


def open_database(settings: Settings) -> Engine:
    """The engine, once `SELECT 1` works; a database that is not up yet is retried with backoff
    for `DATABASE_WAIT`, then `NotReadyError`. What waiting cannot fix (a folder or file this
    user cannot write, a refused login, a missing database) is a `StartupError` at once."""
    url = settings.database_url
    where = database_location(url)
    path = sqlite_path(url)
    if path is not None:
        problem = sqlite_access_problem(path)
        if problem is not None:
            raise StartupError(problem)
    try:
        engine = make_engine(url)
    except OSError as exc:  # the file vanished or changed hands since the look above
        raise StartupError(f"DATABASE_URL: cannot create the database at {where} ({exc})") from None
    wait = settings.database_wait.total_seconds()
    deadline = time.monotonic() + wait
    delay, attempt = 1.0, 1
    while True:
        failure = database_failure(engine)
        if failure is None:
            log.info("database: %s", f"sqlite:///{path}" if path is not None else where)
            return engine
        permanent = database_failure_message(settings, failure)
        if permanent is not None:
            engine.dispose()
            raise StartupError(permanent)
        problem = without_password(url, failure.reason)
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            engine.dispose()
            raise NotReadyError(
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


MIGRATE_FIRST = "run harassment-desk migrate first, with the same settings"


def open_current_database(settings: Settings) -> Engine:
    """For the one-off commands (export, purge) that change no schema: `open_database`, and
    refused unless the schema is this version's. A SQLite file that does not exist is not
    created (SQLite would create an empty one on the first connect)."""
    where = database_location(settings.database_url)
    path = sqlite_path(settings.database_url)
    if path is not None and not path.is_file():
        raise StartupError(f"DATABASE_URL: there is no database at {where}: {MIGRATE_FIRST}")
    engine = open_database(settings)
    try:
        state = schema_state(engine, known_revisions())
    except SQLAlchemyError as exc:
        engine.dispose()
        reason = without_password(settings.database_url, classify_database_error(exc).reason)
        raise StartupError(
            f"DATABASE_URL: cannot read the database at {where} ({reason}): "
            "check that it runs and the URL is right"
        ) from None
    if state.status != "current":
        engine.dispose()
        found = "never migrated" if state.current is None else f"at schema {state.current}"
        raise StartupError(
            f"DATABASE_URL: the database at {where} is {found}, not {state.head}: {MIGRATE_FIRST}"
        )
    return engine


def migrate_or_fail(settings: Settings, engine: Engine, target: str | None = None) -> str:
    """Upgrade to the newest schema, or move to `target` (`migrate --to`); returns what was done."""
    from bot.keys import load_kek

    known = known_revisions()
    kek, setting = load_kek(settings, engine)
    try:
        before, after = migrate_to(engine, target or known[-1], kek)
    except UnknownRevision:
        numbers = ", ".join(short_revision(revision) for revision in known)
        raise StartupError(
            f"migrate --to {target}: this version has no such revision; it knows {numbers}"
        ) from None
    except SQLAlchemyError as exc:
        failure = classify_database_error(exc)
        reason = without_password(settings.database_url, failure.reason)
        raise StartupError(
            database_failure_message(settings, failure)
            or f"DATABASE_URL: changing the schema failed ({reason})"
        ) from None
    if target is None:
        # The key check: recorded on a new database, a wrong key refused on any other.
        from bot.keys import open_keyring

        open_keyring(engine, kek, setting=setting)
        return "database is at the newest schema"
    if before == after:
        return f"database schema already at {short_revision(after)}"
    origin = short_revision(before) if before is not None else "an empty database"
    return f"database schema moved from {origin} to {short_revision(after)}"


def check_database(settings: Settings) -> list[str]:
    """`check`'s database lines: writable, reachable, and at the schema this version needs (an
    empty database is fine: `run` creates the schema at start)."""
    path = sqlite_path(settings.database_url)
    if path is not None:
        problem = sqlite_access_problem(path)
        if problem is not None:
            return [problem]
    where = database_location(settings.database_url)
    engine = make_engine(settings.database_url)
    try:
        failure = database_failure(engine)
        if failure is not None:
            reason = without_password(settings.database_url, failure.reason)
            return [
                database_failure_message(settings, failure)
                or f"DATABASE_URL: cannot connect to {where} ({reason})"
            ]
        state = schema_state(engine, known_revisions())
    finally:
        engine.dispose()
    current, head = short_revision(state.current), short_revision(state.head)
    if state.status == "behind":
        return [
            f"DATABASE_URL: schema at {current}, the app needs {head}: back up the database, "
            "then run harassment-desk migrate"
        ]
    if state.status == "ahead":
        return [
            f"DATABASE_URL: schema at {state.current}, which is newer than this version "
            f"(it needs {head}): run the newer version, or step the schema back with its "
            f"harassment-desk migrate --to {head}"
        ]
    return []


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
