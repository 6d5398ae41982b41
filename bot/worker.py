"""`harassment-desk worker`: deliveries and scheduler ticks in their own process.

Acks first: the web process only answers Slack (its requests never share the GIL with
delivery work), and any number of worker processes claim and deliver the outbox rows it
commits. `harassment-desk run` on PostgreSQL starts one worker as a child process unless told
`--no-worker` (see `place_deliveries` for SQLite); a deployment can instead run web and
workers separately (several of each on PostgreSQL: claims keep every row to one worker).

A worker delivers within a second of the commit: it looks for due rows every
`POLL_INTERVAL` with one indexed read that takes no write lock (on SQLite a WAL read, which
neither waits for nor blocks the web process's writes), and kicks a delivery run when there
are any. On PostgreSQL it looks at once when the web process wakes it after a commit
(`storage.wakeups`: LISTEN/NOTIFY), and the poll is the fallback. The regular ticks
(retries, check-ins, SLA, clean-up) run here too.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Mapping
from types import FrameType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from bot.app import Runtime
    from bot.config import Settings
    from bot.deps import Deps
    from bot.scheduler import Ticker

log = logging.getLogger(__name__)

POLL_INTERVAL = 0.25  # seconds between looks for due deliveries when idle
STOP_TIMEOUT = 15.0  # seconds a worker gets to finish its current delivery on stop
WORKER_NICENESS = 10  # `run`'s worker yields the CPU to the web process when both want it
RESTART_CHECK = 1.0  # seconds between checks that `run`'s worker is still there


def outbox_due(engine: Engine, deps: Deps) -> bool:
    from storage.db import reading
    from storage.repositories import outbox as outbox_repo

    with reading(engine) as connection:
        return outbox_repo.has_due(connection, now=deps.clock.now())


def run_worker(
    deps: Deps, ticker: Ticker, stop: threading.Event, *, parent_pid: int | None = None
) -> None:
    """Tick and deliver until `stop` is set (or the parent process is gone)."""
    from sqlalchemy.exc import SQLAlchemyError

    from storage.db import is_sqlite
    from storage.wakeups import Listener

    listener = None if is_sqlite(deps.core.engine) else Listener(deps.settings.database_url)
    ticker.start()
    log.info(
        "worker started: deliveries polled every %ss%s",
        POLL_INTERVAL,
        "" if listener is None else ", and woken by each commit (LISTEN/NOTIFY)",
    )
    try:
        while not stop.is_set():
            notified = False
            if listener is not None:
                notified = listener.wait(POLL_INTERVAL)
            elif stop.wait(POLL_INTERVAL):
                break
            if stop.is_set():
                break
            if parent_pid is not None and os.getppid() != parent_pid:
                log.info("the web process is gone: stopping")
                return
            if notified:
                # A commit said there are rows: no need to look (in a burst, looking after
                # every notification was 7 % of the worker's busy samples).
                deps.outbox.kick()
                continue
            try:
                due = outbox_due(deps.core.engine, deps)
            except SQLAlchemyError as exc:
                # The database is away; the next poll (or tick) tries again.
                log.warning("polling the outbox failed: %s", type(exc).__name__)
                continue
            if due:
                deps.outbox.kick()
    finally:
        if listener is not None:
            listener.close()
        deps.outbox.shutdown()
        ticker.shutdown()


def work(settings: Settings, *, migrate_schema: bool, parent_pid: int | None) -> int:
    """The `worker` subcommand: no HTTP, no Socket Mode, no Bolt app; deliveries and ticks."""
    from bot.app import build_core, build_deps
    from bot.scheduler import Ticker
    from bot.slack.client import close_client
    from bot.startup import migrate_or_fail
    from storage.db import make_engine

    engine = make_engine(settings.database_url)
    if migrate_schema:
        migrate_or_fail(settings, engine)
    core = build_core(settings, engine=engine)
    deps = build_deps(core)
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    run_worker(deps, Ticker(list(deps.tick_jobs)), stop, parent_pid=parent_pid)
    close_client(core.delivery_client)
    core.engine.dispose()
    return 0


def place_deliveries(
    runtime: Runtime, settings: Settings, env: Mapping[str, str], *, no_worker: bool
) -> WorkerChild | None:
    """Where `run`'s deliveries and ticks happen; returns the worker process it started, if any.

    - `--no-worker`: nowhere here; `harassment-desk worker` processes deliver.
    - PostgreSQL: in a worker process started beside this one (row locks and SKIP LOCKED keep
      the two out of each other's way).
    - SQLite: in this process. SQLite has one writer at a time; in one process, request threads
      queue for it ahead of deliveries (storage.db.WriterGate), while a second process would
      meet them only in SQLite's own lock, which polls with sleeps and knows no priority
      (under load, the fault suite's restarts then left more reports unacknowledged).
    """
    if no_worker:
        runtime.serve_only()
        return None
    if settings.database_url.startswith("sqlite"):
        return None
    runtime.serve_only()
    child = WorkerChild(env)
    child.start()
    return child


_PR_SET_PDEATHSIG = 1


def _prepare_child() -> None:
    """In the child, before exec. Acks first, down to the OS scheduler: the worker runs at a
    lower CPU priority than the web process, so on a busy machine (a burst, or a restart,
    when both boot at once) requests get the CPU first; an idle machine delivers as fast.
    Linux: when the parent dies without stopping it (kill -9), the kernel kills the worker the
    same way, so an orphan never lives on and a crash stays a crash (the fault suite's kills
    still cut deliveries off mid-send); elsewhere the worker's check of its parent (each poll)
    stops it."""
    with contextlib.suppress(OSError):
        os.nice(WORKER_NICENESS)
    if sys.platform.startswith("linux"):
        import ctypes

        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


class WorkerChild:
    """The worker `run` starts beside the web process, with the same settings. It stops when
    this process does, however that happens (it watches its parent), and is started again if
    it exits on its own."""

    def __init__(self, env: Mapping[str, str]) -> None:
        self._env = dict(env)
        self._process: subprocess.Popen[bytes] | None = None
        self._stop = threading.Event()
        self._watcher = threading.Thread(target=self._watch, name="worker-watch", daemon=True)

    def start(self) -> None:
        self._spawn()
        self._watcher.start()

    def _spawn(self) -> None:
        pid = str(os.getpid())
        argv = [sys.executable, "-m", "bot", "worker", "--no-migrate", "--parent", pid]
        self._process = subprocess.Popen(argv, env=self._env, preexec_fn=_prepare_child)

    def _watch(self) -> None:
        while not self._stop.wait(RESTART_CHECK):
            if self._process is not None and self._process.poll() is not None:
                log.error("the worker exited (%s); starting it again", self._process.returncode)
                self._spawn()

    def stop(self) -> None:
        self._stop.set()
        process = self._process
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
