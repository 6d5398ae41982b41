"""`harassment-desk playground`: the real app, a Slack stand-in and a Slack-like page, offline.

One process runs three servers on this machine: the Slack stand-in (Web API), the app exactly as
`run` serves it over HTTP (Bolt's signed path, SQLite, a random signing secret, every feature and
its background ticks) and the page people use, bound to 127.0.0.1 unless `--host` says otherwise.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import secrets
import signal
import sys
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import IO, Any

from bot.playground.clock import OffsetClock
from bot.playground.workspace import DESK_CHANNEL, LEAD, populate

LOCK_FILE = "playground.lock"
DATABASE_FILE = "playground.db"
LOOPBACK = "127.0.0.1"


class PlaygroundError(Exception):
    """One line for the person who started the playground (exit status 2)."""


@dataclass(frozen=True)
class Options:
    port: int
    lang: str
    host: str | None
    data: Path


def default_data_folder(env: Mapping[str, str]) -> Path:
    """Beside the default database: `$XDG_DATA_HOME/harassment-desk/playground`, else
    `~/.local/share/harassment-desk/playground`, else `./harassment-desk-playground`."""
    data_home = (env.get("XDG_DATA_HOME") or "").strip()
    home = (env.get("HOME") or "").strip()
    if not data_home and home:
        data_home = str(Path(home) / ".local" / "share")
    if not data_home:
        return Path("harassment-desk-playground").resolve()
    return Path(data_home) / "harassment-desk" / "playground"


@contextlib.contextmanager
def data_folder_lock(folder: Path) -> Iterator[IO[str]]:
    """Hold the data folder for this process; the kernel drops the lock however it ends."""
    folder.mkdir(parents=True, exist_ok=True)
    handle = (folder / LOCK_FILE).open("a+", encoding="utf-8")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise PlaygroundError(
                f"another playground is using {folder}; stop it, or pass --data with another folder"
            ) from None
        yield handle
    finally:
        handle.close()


def bind_page(host: str, port: int, app: Any) -> Any:
    """The page's server, bound now so that a taken port is reported before anything starts."""
    from waitress.server import create_server

    try:
        return create_server(app, host=host, port=port, threads=4, ident="")
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise PlaygroundError(
                f"port {port} is in use; try: harassment-desk playground --port {port + 1}"
            ) from None
        raise PlaygroundError(f"cannot listen on {host}:{port}: {exc.strerror}") from None


def playground_env(
    slack_api_url: str, bot_token: str, database_url: str, lang: str
) -> dict[str, str]:
    """The settings `run` would read from `.env`, made up for a workspace of five people."""
    return {
        "SLACK_BOT_TOKEN": bot_token,
        # Random each start: only this process signs what the page sends.
        "SLACK_SIGNING_SECRET": secrets.token_hex(16),
        "DESK_CHANNEL_ID": DESK_CHANNEL,
        "DESK_LEADS": LEAD.id,
        "DATABASE_URL": database_url,
        "SLACK_API_URL": slack_api_url,
        "DEFAULT_LOCALE": lang,
        # Check-ins any day and hour, delivered within a second of their time: after a
        # fast-forward they show up at once instead of on the next weekday morning.
        "SCHEDULER_TICK": "1s",
        "CHECKIN_HOURS": "0-24",
        "CHECKIN_WEEKDAYS": "all",
        "HEALTH_PORT": "0",
        "LOG_LEVEL": "WARNING",
    }


def _fresh_database(folder: Path) -> str:
    """The stand-in forgets its messages at exit, so the cases behind them go too."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        (folder / (DATABASE_FILE + suffix)).unlink(missing_ok=True)
    return f"sqlite:///{folder / DATABASE_FILE}"


def _stop(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(0)


def run_playground(options: Options, *, ready: threading.Event | None = None) -> int:
    from bot.playground.web import PageApp

    host = options.host or LOOPBACK
    if options.host and options.host != LOOPBACK:
        print(
            f"harassment-desk: warning: the playground listens on {host}: anyone who can reach "
            "this machine can act as any of its people",
            file=sys.stderr,
        )
    with data_folder_lock(options.data):
        page_app = PageApp(options.lang)
        page = bind_page(host, options.port, page_app)
        # The page answers at once (saying the app is starting) while the app boots.
        page_thread = threading.Thread(target=page.run, daemon=True, name="page")
        page_thread.start()
        # Imported only now: loading the app takes most of the start, and the page is up.
        from waitress.server import create_server

        from bot.app import build_runtime
        from bot.cli import waitress_options
        from bot.config import load_settings
        from bot.logging_setup import configure_logging
        from bot.playground.session import ClientSide
        from bot.standin import SlackRequestSender, SlackStandIn
        from bot.startup import authenticate_slack, migrate_or_fail, open_database
        from bot.web import make_wsgi_app

        slack = SlackStandIn().start()
        populate(slack)
        settings = load_settings(
            playground_env(
                slack.api_url, slack.bot_token, _fresh_database(options.data), options.lang
            ),
            http_mode=True,
        )
        configure_logging(settings.log_level, settings.log_format)
        clock = OffsetClock()
        engine = open_database(settings)
        migrate_or_fail(engine)
        runtime = build_runtime(settings, clock=clock, engine=engine)
        server: Any = create_server(
            make_wsgi_app(
                runtime.app,
                engine,
                settings.slack_signing_secret,
                health=runtime.health,
                metrics=runtime.deps.core.metrics,
            ),
            **waitress_options(settings, LOOPBACK, 0),
        )
        authenticate_slack(settings, runtime)
        runtime.start_background()
        app_thread = threading.Thread(target=server.run, daemon=True, name="app")
        app_thread.start()
        events_url = f"http://{LOOPBACK}:{server.effective_port}/slack/events"
        assert settings.slack_signing_secret is not None
        sender = SlackRequestSender(events_url, settings.slack_signing_secret, standin=slack)
        page_app.attach(ClientSide(slack, sender, clock))
        shown = LOOPBACK if host in ("0.0.0.0", "::") else host
        print(
            f"Harassment Desk playground (not connected to Slack): "
            f"http://{shown}:{page.effective_port}/  (Ctrl+C to stop)",
            flush=True,
        )
        if ready is not None:
            ready.set()
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, _stop)
        try:
            page_thread.join()
        except KeyboardInterrupt:
            pass
        finally:
            page.close()
            sender.close()
            runtime.stop()
            slack.stop()
            engine.dispose()
    return 0
