"""Engine and session factory. The caller owns the session: `with sessions.begin() as session:`."""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from storage.crypto import Kek
    from storage.encryption import KeyRing

MIGRATIONS_DIR = Path(__file__).parent / "migrations"

SessionFactory = sessionmaker[Session]


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def make_engine(url: str) -> Engine:
    """An engine for this app: SQLite in WAL mode with immediate write locks, or PostgreSQL.

    Bound parameters are never part of an error's text (`hide_parameters`): they hold report
    narratives, notes and reporter ids, and error texts end up in logs."""
    kwargs: dict[str, Any] = {"future": True, "hide_parameters": True}
    if url.startswith("sqlite"):
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
    else:
        kwargs.update(pool_size=10, max_overflow=10, pool_pre_ping=True)
    engine = create_engine(url, **kwargs)
    if is_sqlite(engine):
        _configure_sqlite(engine)
    return engine


# The database file and its -wal/-shm companions hold reports: only the app's user may read them.
PRIVATE_FILE_MODE = 0o600
SQLITE_COMPANIONS = ("", "-wal", "-shm", "-journal")
# The data keys' own file beside a SQLite database (storage.models.DataKey), attached as
# `keystore` to every connection.
KEYSTORE_SUFFIX = ".keys"


def keystore_file(path: Path) -> Path:
    return path.with_name(path.name + KEYSTORE_SUFFIX)


def sqlite_file(engine: Engine) -> Path | None:
    database = str(engine.url.database or "")
    if not database or database.startswith(":memory:") or database.startswith("file:"):
        return None
    return Path(database)


def _private_sqlite_files(path: Path) -> None:
    """Create the database file 0600 before SQLite does (SQLite gives -wal and -shm the mode of
    the database file), and tighten files an older version left readable. The folder must exist
    (`harassment-desk run` creates the default one)."""
    with contextlib.suppress(FileExistsError, FileNotFoundError):
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, PRIVATE_FILE_MODE))
    for suffix in SQLITE_COMPANIONS:
        companion = path.with_name(path.name + suffix)
        with contextlib.suppress(FileNotFoundError, PermissionError):
            if companion.stat().st_mode & 0o077:
                companion.chmod(PRIVATE_FILE_MODE)


_HOLDS_WRITE_LOCK = "harassment_desk_write_lock"
_READ_ONLY = "harassment_desk_read_only"
_thread_role = threading.local()
# How long background work lets waiting request threads go first before it takes its turn
# anyway: long enough to clear a burst, short enough that deliveries never stall under load.
BACKGROUND_YIELD_S = 0.25


@contextmanager
def background_work() -> Iterator[None]:
    """Mark this thread's database writes as background work (deliveries, scheduler ticks):
    on SQLite they let threads answering Slack requests, whose ack is waiting, write first."""
    previous = getattr(_thread_role, "background", False)
    _thread_role.background = True
    try:
        yield
    finally:
        _thread_role.background = previous


class WriterGate:
    """One writer at a time in this process; request threads go before background work.

    Each release wakes one waiting request thread (and one background thread, which goes only
    once its yield is over), not every waiter: with twenty request threads queued, waking them
    all at each commit to find one winner cost 9 % of the app's CPU in the benchmark."""

    def __init__(self) -> None:
        lock = threading.Lock()
        self._lock = lock
        self._foreground = threading.Condition(lock)
        self._background = threading.Condition(lock)
        self._held = False
        self._foreground_waiting = 0

    def acquire(self, timeout: float) -> bool:
        background = getattr(_thread_role, "background", False)
        now = time.monotonic()
        deadline, yield_until = now + timeout, now + BACKGROUND_YIELD_S
        with self._lock:
            if background:
                return self._acquire_background(deadline, yield_until)
            self._foreground_waiting += 1
            try:
                while self._held:
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        return False
                    self._foreground.wait(remaining)
                self._held = True
                return True
            finally:
                self._foreground_waiting -= 1

    def _acquire_background(self, deadline: float, yield_until: float) -> bool:
        while self._held or (self._foreground_waiting > 0 and time.monotonic() < yield_until):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            self._background.wait(min(remaining, 0.05))
        self._held = True
        return True

    def release(self) -> None:
        with self._lock:
            self._held = False
            self._foreground.notify()
            self._background.notify()


@contextmanager
def reading(engine: Engine) -> Iterator[Connection]:
    """A connection for a short read that writes nothing. On SQLite its transaction is a plain
    (deferred) BEGIN outside the writer queue, so in WAL mode it neither waits for nor blocks a
    writer, in this process or another (e.g. the worker's poll for due deliveries)."""
    with engine.connect() as connection:
        connection.execution_options(**{_READ_ONLY: True})
        yield connection


def _configure_sqlite(engine: Engine) -> None:
    # pysqlite's own BEGIN is deferred; two threads that read then write would then fail with
    # "database is locked" instead of waiting. BEGIN IMMEDIATE makes writers queue politely.
    path = sqlite_file(engine)
    if path is not None:
        _private_sqlite_files(path)
        _private_sqlite_files(keystore_file(path))
    keys = str(keystore_file(path)) if path is not None else ":memory:"

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if not str(engine.url.database or "").startswith(":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("ATTACH DATABASE ? AS keystore", (keys,))
        if path is not None:
            cursor.execute("PRAGMA keystore.journal_mode=WAL")
            # A shredded key's bytes are overwritten, not left in a free page.
            cursor.execute("PRAGMA keystore.secure_delete=ON")
        cursor.close()
        if path is not None:
            _private_sqlite_files(path)
            _private_sqlite_files(keystore_file(path))

    # Writers of this process queue on a Python lock before asking SQLite for its write lock.
    # SQLite's own busy handler polls with sleeps of up to 100 ms, so with twenty requests
    # waiting, most of them slept while the database was free (the benchmark's p99 for a report
    # submission was 615 ms, almost all of it in BEGIN IMMEDIATE). Other processes on the same
    # file are still kept out by SQLite's lock, and a lock held too long only falls back to it.
    writers = WriterGate()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        if connection.get_execution_options().get(_READ_ONLY):
            connection.exec_driver_sql("BEGIN")
            return
        if writers.acquire(timeout=30):
            connection.info[_HOLDS_WRITE_LOCK] = writers
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    def _release(info: dict[Any, Any]) -> None:
        lock = info.pop(_HOLDS_WRITE_LOCK, None)
        if lock is not None:
            lock.release()

    @event.listens_for(engine, "commit")
    def _on_commit(connection: Any) -> None:
        _release(connection.info)

    @event.listens_for(engine, "rollback")
    def _on_rollback(connection: Any) -> None:
        _release(connection.info)

    @event.listens_for(engine.pool, "checkin")
    def _on_checkin(_dbapi_connection: Any, record: Any) -> None:
        _release(record.info)  # a connection given back without commit or rollback


def make_session_factory(engine: Engine, keyring: KeyRing) -> SessionFactory:
    """Sessions that seal and open case text with `keyring` (storage/encryption.py)."""
    from storage.encryption import RING

    return sessionmaker(engine, expire_on_commit=False, info={RING: keyring})


def alembic_config(engine: Engine, kek: Kek | None = None) -> Config:
    # Imported here, not at the top: alembic (with mako, and pygments where installed) is 7 to
    # 12 MB that only a process which migrates needs; `run`'s worker never does.
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    # The migration that seals existing rows needs the key-encryption key (None: a database
    # with no rows to seal migrates without it; one with rows refuses).
    config.attributes["kek"] = kek
    return config


# pg_advisory_xact_lock key for schema upgrades ("hdmigrat" as a 64-bit number): replicas that
# start together on a new database take turns instead of creating the same tables at once.
MIGRATION_LOCK_KEY = 0x68646D6967726174
MIGRATION_LOCK_SUFFIX = ".migrate-lock"


@contextmanager
def sqlite_migration_lock(engine: Engine) -> Iterator[None]:
    """On SQLite, one migration at a time per database file, across processes: a lock file
    beside the database (`desk.db.migrate-lock`). SQLite's own write lock does not cover
    Alembic's look at the current revision, so two `migrate` at once could both find an empty
    database and the second fail with "table ... already exists"."""
    path = sqlite_file(engine) if is_sqlite(engine) else None
    if path is None:
        yield
        return
    from filelock import FileLock, Timeout

    lock = FileLock(path.with_name(path.name + MIGRATION_LOCK_SUFFIX), mode=PRIVATE_FILE_MODE)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        logging.getLogger("harassment_desk.migrate").info(
            "another migration of this database is running: waiting for it"
        )
        lock.acquire()
    try:
        yield
    finally:
        lock.release()


@dataclass(frozen=True)
class SchemaState:
    """Where the database's schema stands against the migrations this version ships."""

    current: str | None  # None: no schema yet (an empty database)
    head: str
    known: tuple[str, ...]  # this version's revisions, oldest first

    @property
    def status(self) -> str:
        """`current`, `empty`, `behind` (an upgrade is due) or `ahead` (a newer version's)."""
        if self.current == self.head:
            return "current"
        if self.current is None:
            return "empty"
        return "behind" if self.current in self.known else "ahead"


def short_revision(revision: str | None) -> str:
    """`0009` for `0009_desk_message_digest`: what operators type and read."""
    return (revision or "none").split("_", 1)[0]


def _script_directory() -> ScriptDirectory:
    from alembic.script import ScriptDirectory

    return ScriptDirectory(str(MIGRATIONS_DIR))


def known_revisions() -> tuple[str, ...]:
    """This version's revisions, oldest first (reads the migration scripts: call it once)."""
    walked = [script.revision for script in _script_directory().walk_revisions()]
    return tuple(reversed(walked))


def schema_revision(engine: Engine) -> str | None:
    """The revision Alembic recorded in the database, None when it holds no schema yet."""
    with reading(engine) as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def schema_state(engine: Engine, known: tuple[str, ...]) -> SchemaState:
    return SchemaState(current=schema_revision(engine), head=known[-1], known=known)


def migrate(engine: Engine, kek: Kek | None = None) -> None:
    """Upgrade the schema to the newest Alembic revision (on PostgreSQL under an advisory lock,
    on SQLite under a lock file, both taken in `storage/migrations/env.py`, so that concurrent
    upgrades run one after another)."""
    from alembic import command

    config = alembic_config(engine, kek)
    command.upgrade(config, "head")
    if config.attributes.get("sealed_rows"):
        vacuum(engine)


class UnknownRevision(ValueError):
    """`migrate --to` named a revision this version does not ship."""


def migrate_to(engine: Engine, target: str, kek: Kek | None = None) -> tuple[str | None, str]:
    """Move the schema up or down to `target` (a revision, or its number: `0008`); returns
    (from, to). Each downgrade keeps what the older schema can hold."""
    from alembic import command

    known = known_revisions()
    matches = [revision for revision in known if short_revision(revision) == target]
    resolved = target if target in known else (matches[0] if len(matches) == 1 else None)
    if resolved is None:
        raise UnknownRevision(target)
    current = schema_revision(engine)
    config = alembic_config(engine, kek)
    if current is not None and current in known and known.index(resolved) < known.index(current):
        command.downgrade(config, resolved)
    else:
        command.upgrade(config, resolved)
        if config.attributes.get("sealed_rows"):
            vacuum(engine)
    return current, resolved


# The tables whose rows a migration sealed: their old clear versions linger in free pages
# (SQLite) and dead tuples (PostgreSQL) until these are rewritten.
SEALED_TABLES = (
    "cases",
    "case_events",
    "case_messages",
    "evidence_files",
    "outbox",
    "customers",
    "customer_identifiers",
)


def vacuum(engine: Engine) -> None:
    """Rewrite the database (SQLite: VACUUM and an emptied -wal) or the sealed tables
    (PostgreSQL: VACUUM FULL), so that no clear text stays behind after sealing."""
    raw: Any = engine.raw_connection()  # outside SQLAlchemy's transaction: VACUUM needs none
    try:
        if is_sqlite(engine):
            raw.driver_connection.execute("PRAGMA secure_delete = ON")
            raw.driver_connection.execute("VACUUM")
            raw.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            return
        raw.driver_connection.autocommit = True
        for table in SEALED_TABLES:
            raw.driver_connection.execute(f"VACUUM FULL {table}")
        raw.driver_connection.autocommit = False
    finally:
        raw.close()


def database_answers(engine: Engine) -> bool:
    return database_problem(engine) is None


def database_problem(engine: Engine) -> str | None:
    """None when `SELECT 1` works, else a one-line reason without parameters or passwords."""
    failure = database_failure(engine)
    return None if failure is None else failure.reason


# What a failure to reach the database means for the operator. Only `UNREACHABLE` (and an
# unrecognised error) can go away by waiting; the others need someone to change something.
UNREACHABLE = "unreachable"
LOGIN_REFUSED = "login_refused"
NO_SUCH_DATABASE = "no_such_database"
READ_ONLY = "read_only"
NOT_PERMITTED = "not_permitted"
CANNOT_OPEN = "cannot_open"
OTHER = "other"
# libpq and SQLite say it in words only (psycopg has no SQLSTATE for a failed connection); each
# pattern is words that must all be in the message, first match wins.
_KINDS_BY_TEXT: tuple[tuple[str, tuple[str, ...]], ...] = (
    (LOGIN_REFUSED, ("authentication failed",)),
    (LOGIN_REFUSED, ("no pg_hba.conf",)),
    (LOGIN_REFUSED, ("no password supplied",)),
    (LOGIN_REFUSED, ('role "', "does not exist")),
    (NO_SUCH_DATABASE, ('database "', "does not exist")),
    (READ_ONLY, ("readonly database",)),
    (READ_ONLY, ("read-only",)),
    (NOT_PERMITTED, ("permission denied",)),
    (NOT_PERMITTED, ("must be owner",)),
    (CANNOT_OPEN, ("unable to open database file",)),
)


@dataclass(frozen=True)
class DatabaseFailure:
    kind: str
    reason: str  # one line, never a bound parameter or a password


def database_failure(engine: Engine) -> DatabaseFailure | None:
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:
        return classify_database_error(exc)
    return None


def classify_database_error(exc: BaseException) -> DatabaseFailure:
    reason = describe_database_error(exc)
    lowered = reason.lower()
    for kind, words in _KINDS_BY_TEXT:
        if all(word in lowered for word in words):
            return DatabaseFailure(kind, reason)
    if isinstance(exc, OperationalError):
        return DatabaseFailure(UNREACHABLE, reason)
    return DatabaseFailure(OTHER, reason)


def describe_database_error(exc: BaseException) -> str:
    cause = getattr(exc, "orig", None) or exc
    first_line = (str(cause).strip().splitlines() or [""])[0]
    return f"{type(cause).__name__}: {first_line[:200]}" if first_line else type(cause).__name__
