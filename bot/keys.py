"""Where the key-encryption key (KEK) comes from, and the key ring built from it at start.

A `KeyProvider` hands over the KEK; features never see it (they read `case.narrative`, and
storage/encryption.py seals and opens). Two providers today: a file (`CASE_KEY_FILE`, or the
file a fresh SQLite install makes beside its database) and the setting itself (`CASE_KEY`).
A cloud KMS is one more provider whose `load` asks the KMS to decrypt a wrapped KEK (see
docs/operators.md, Keys); nothing else changes.
"""

from __future__ import annotations

import logging
import os
import stat
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.config import Settings
from bot.i18n import t
from bot.startup import StartupError, sqlite_path
from storage import crypto
from storage.encryption import KeyRing
from storage.repositories import keys as keys_repo

log = logging.getLogger("harassment_desk.keys")

KEY_FILE_SUFFIX = ".key"
INDEX_LABEL = "index"
ROTATE_BATCH = 500
UNFINISHED_ROTATION = (
    "CASE_KEY_FILE: harassment-desk keys rotate did not finish: run it again with the same "
    "--new-key-file (and the old key as CASE_KEY_FILE), then start with the new key"
)


class KeyProvider(Protocol):
    """Hands over the key-encryption key; `setting` names where it came from in messages."""

    @property
    def setting(self) -> str: ...

    def load(self) -> crypto.Kek: ...


@dataclass(frozen=True)
class EnvKey:
    raw: bytes
    setting: str = "CASE_KEY"

    def load(self) -> crypto.Kek:
        return crypto.Kek(self.raw)


@dataclass(frozen=True)
class FileKey:
    """A key file: 32 bytes in base64, readable by this user only (mode 600)."""

    path: Path
    setting: str = "CASE_KEY_FILE"

    def load(self) -> crypto.Kek:
        path = self.path
        try:
            mode = stat.S_IMODE(path.stat().st_mode)
            text = path.read_text(encoding="ascii")
        except FileNotFoundError:
            raise StartupError(
                f"{self.setting}: {path} does not exist: restore the key file from its backup"
            ) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise StartupError(f"{self.setting}: cannot read {path} ({exc})") from None
        if mode & 0o077:
            raise StartupError(
                f"{self.setting}: {path} can be read by others (mode {mode:03o}): chmod 600 {path}"
            )
        try:
            return crypto.Kek(crypto.parse_key_text(text))
        except ValueError as exc:
            raise StartupError(
                f"{self.setting}: {path} {exc}: restore the key file from its backup"
            ) from None


def default_key_file(settings: Settings) -> Path | None:
    """Beside a SQLite database file: `desk.db.key`."""
    database = sqlite_path(settings.database_url)
    return database.with_name(database.name + KEY_FILE_SUFFIX) if database else None


def create_key_file(path: Path) -> None:
    """Write the key beside, then link it into place: two first starts at once (replicas, or
    `migrate` beside `run`) end with one complete key file, never a half-written one."""
    draft = path.with_name(f".{path.name}.{os.getpid()}.new")
    descriptor = os.open(draft, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(crypto.key_text(crypto.new_data_key()))
        handle.flush()
        os.fsync(handle.fileno())
    try:
        os.link(draft, path)
    except FileExistsError:
        return  # another process made it first: that one is the key
    finally:
        draft.unlink()
    log.warning(
        "created the case key file %s: back it up now, apart from the database (not in the "
        "same backup): without it no case in this database can be read",
        path,
    )


def provider(settings: Settings, engine: Engine) -> KeyProvider:
    """The configured provider; on a fresh SQLite install the default key file is made."""
    if settings.case_key is not None:
        return EnvKey(settings.case_key)
    if settings.case_key_file is not None:
        return FileKey(settings.case_key_file)
    path = default_key_file(settings)
    if path is None:  # an in-memory database: nothing outlives the process, nor may its key
        return EnvKey(crypto.new_data_key())
    if not path.exists():
        if keys_repo.has_key_check(engine):
            raise StartupError(
                f"CASE_KEY_FILE: {path} is missing and this database holds encrypted cases: "
                "restore the key file from its backup (without it they cannot be read)"
            )
        create_key_file(path)
    return FileKey(path)


def load_kek(settings: Settings, engine: Engine) -> tuple[crypto.Kek, str]:
    """The KEK and the setting it came from; a StartupError (exit 2) for anything wrong."""
    source = provider(settings, engine)
    return source.load(), source.setting


def wrong_key(setting: str) -> str:
    return (
        f"{setting} does not open the cases in this database: set the key it was made with "
        "(restore it from its backup; after keys rotate, the new one)"
    )


def open_keyring(
    engine: Engine, kek: crypto.Kek, *, setting: str = "CASE_KEY_FILE", locale: str = "ja"
) -> KeyRing:
    """The key ring, once the key is known to be this database's: the first start records its
    check value and the blind index's secret; a later start with another key is refused."""
    ring = KeyRing(kek, unreadable=t("record.unreadable", locale))
    if not keys_repo.has_state_table(engine):
        return ring  # a schema behind this version: the app says so (/readyz) until migrated
    try:
        secret = _check_or_record(engine, kek, setting)
    except IntegrityError:  # another first start recorded its key check a moment ago
        secret = _check_or_record(engine, kek, setting)
    ring.index_key = crypto.lookup_key(secret)
    return ring


def _check_or_record(engine: Engine, kek: crypto.Kek, setting: str) -> bytes:
    """The index secret, once `kek` is this database's key (recorded on a new database)."""
    with Session(engine) as session, session.begin():
        state = keys_repo.state(session)
        if state is None:
            if keys_repo.any_data_key(session):
                raise StartupError(wrong_key(setting))
            secret = os.urandom(crypto.KEY_BYTES)
            keys_repo.record_state(
                session,
                kek_id=kek.key_id,
                index_secret=kek.wrap(secret, INDEX_LABEL),
                now=datetime.now(UTC),
            )
        elif state.rotating_to is not None:
            raise StartupError(UNFINISHED_ROTATION)
        elif state.kek_id != kek.key_id:
            raise StartupError(wrong_key(setting))
        else:
            try:
                secret = kek.unwrap(state.index_secret, INDEX_LABEL)
            except crypto.Unreadable:
                raise StartupError(wrong_key(setting)) from None
    return secret


def keyring_for(settings: Settings, engine: Engine) -> KeyRing:
    """Load the key and open the ring in one step (commands that do not migrate)."""
    kek, setting = load_kek(settings, engine)
    return open_keyring(engine, kek, setting=setting, locale=settings.default_locale)


@dataclass(frozen=True)
class Rotation:
    rewrapped: int
    total: int


def rotate(engine: Engine, old: crypto.Kek, new: crypto.Kek, setting: str) -> Rotation:
    """Rewrap every data key (and the index secret) from `old` to `new`, 500 at a time, each
    batch committed: a rotation that stops is finished by running it again. Nothing sealed is
    rewritten. Afterwards only `new` opens the database."""
    with Session(engine) as session, session.begin():
        state = keys_repo.state(session)
        if state is None:
            raise StartupError("keys rotate: this database holds no encrypted cases yet")
        if state.kek_id == new.key_id and state.rotating_to is None:
            return Rotation(0, keys_repo.count(session))  # done before
        if state.kek_id != old.key_id or state.rotating_to not in (None, new.key_id):
            raise StartupError(wrong_key(setting))
        state.rotating_to = new.key_id
    rewrapped = 0
    while True:
        with Session(engine) as session, session.begin():
            batch = keys_repo.not_wrapped_by(session, new.key_id, ROTATE_BATCH)
            for key in batch:
                label = f"{key.subject}:{key.subject_id}"
                raw = old.unwrap(key.wrapped, label)
                keys_repo.rewrap(session, key, new.wrap(raw, label), new.key_id)
            rewrapped += len(batch)
        if not batch:
            break
        log.info("keys rotate: %d data keys rewrapped so far", rewrapped)
    with Session(engine) as session, session.begin():
        state = keys_repo.state(session)
        assert state is not None
        secret = old.unwrap(state.index_secret, INDEX_LABEL)
        state.index_secret = new.wrap(secret, INDEX_LABEL)
        state.kek_id, state.rotating_to = new.key_id, None
        state.changed_at = datetime.now(UTC)
        total = keys_repo.count(session)
    return Rotation(rewrapped, total)
