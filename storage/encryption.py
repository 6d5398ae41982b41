"""Which columns are sealed with their case's (or customer's) data key, and the ORM hooks that
seal and open them, so features read and write `case.narrative` as plain text.

To seal another column: add its name to its table's row in `SEALED` (a new table: one more
`Sealed(...)` row naming how a row finds its case). The migration that adds the column does
not need to encrypt anything if the column is new; an existing column with data needs a data
migration like `0012_encrypt_case_text`.

The `KeyRing` (the KEK, the blind-index key, the text shown for a value that does not open)
reaches the hooks through `session.info`, put there by `storage.db.make_session_factory`.
Data keys are cached per session only: a purge's shredding counts from the next session.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import JSON, Connection, Table, delete, event, insert, select, update
from sqlalchemy.orm import Mapper, Session, object_session
from sqlalchemy.orm.attributes import get_history, set_committed_value

from storage import crypto
from storage.crypto import KeyRing
from storage.models import (
    Case,
    CaseCare,
    CaseEvent,
    CaseExclusion,
    CaseFacts,
    CaseMessage,
    CooperationRequest,
    Customer,
    CustomerIdentifier,
    DataKey,
    EvidenceFile,
    OutboxMessage,
    PreventionAction,
    SurveyAnswer,
)

log = logging.getLogger("harassment_desk.encryption")

CASE = "case"
CUSTOMER = "customer"
LOOSE = "loose"  # rows not yet tied to a case (a DM waiting for the reporter to pick one)
RING = "hd_keyring"
CACHE = "hd_data_keys"
STASH = "hd_plain"


@dataclass(frozen=True)
class Sealed:
    """A table's sealed columns and how one of its rows finds its subject (case/customer).
    `own`: the row is its subject (its id, and so its associated data, exist only after the
    INSERT): its columns go in empty and are sealed by an UPDATE in the same flush."""

    model: type[Any]
    columns: tuple[str, ...]
    subject: str
    subject_of: Callable[[Any], int | None]
    own: bool = False
    lists: tuple[str, ...] = ()  # JSON columns holding a list (shown as [] when unreadable)
    # (sealed column, its blind-index column): the index is set whenever the column is written
    index: tuple[str, str] | None = None


SEALED: tuple[Sealed, ...] = (
    Sealed(
        Case,
        (
            "narrative",
            "demands",
            "witnesses",
            "injury",
            "immediate_action",
            "wants",
            "location",
            "customer_text",
        ),
        CASE,
        lambda row: row.id,
        own=True,
    ),
    Sealed(CaseEvent, ("note", "before", "after"), CASE, lambda row: row.case_id),
    Sealed(CaseMessage, ("text", "files"), CASE, lambda row: row.case_id, lists=("files",)),
    Sealed(EvidenceFile, ("name", "source_url"), CASE, lambda row: row.case_id),
    Sealed(CaseExclusion, ("user_id",), CASE, lambda row: row.case_id),
    Sealed(CaseFacts, ("notes",), CASE, lambda row: row.case_id),
    Sealed(CaseCare, ("notes",), CASE, lambda row: row.case_id),
    Sealed(PreventionAction, ("text",), CASE, lambda row: row.case_id),
    Sealed(SurveyAnswer, ("comment",), CASE, lambda row: row.case_id),
    Sealed(CooperationRequest, ("company", "asked", "answered"), CASE, lambda row: row.case_id),
    # Written by a Core INSERT (storage.repositories.outbox.enqueue), which calls seal_value.
    Sealed(OutboxMessage, ("payload",), CASE, lambda row: row.case_id),
    Sealed(Customer, ("display_name",), CUSTOMER, lambda row: row.id, own=True),
    Sealed(
        CustomerIdentifier,
        ("text", "normalized"),
        CUSTOMER,
        lambda row: row.customer_id,
        index=("normalized", "lookup"),
    ),
)


def ring_of(session: Session) -> KeyRing:
    ring = session.info.get(RING)
    if not isinstance(ring, KeyRing):
        raise RuntimeError("this session has no key ring (make_session_factory(keyring=...))")
    return ring


def _label(subject: str, subject_id: int) -> str:
    return f"{subject}:{subject_id}"


def _subject(entry: Sealed, row: Any) -> tuple[str, int]:
    subject_id = entry.subject_of(row)
    return (entry.subject, subject_id) if subject_id is not None else (LOOSE, 0)


def data_key(
    session: Session, connection: Connection, subject: str, subject_id: int, *, create: bool
) -> AESGCM | None:
    """The subject's data key (unwrapped once per session), made on first use if `create`."""
    cache: dict[tuple[str, int], AESGCM | None] = session.info.setdefault(CACHE, {})
    found = cache.get((subject, subject_id))
    if found is not None or ((subject, subject_id) in cache and not create):
        return found
    ring = ring_of(session)
    if not create:
        shared = ring.cached((subject, subject_id))
        if shared is not None:
            cache[(subject, subject_id)] = shared
            return shared
    wrapped = connection.execute(
        select(DataKey.wrapped).where(DataKey.subject == subject, DataKey.subject_id == subject_id)
    ).scalar_one_or_none()
    key: AESGCM | None = None
    if wrapped is not None:
        try:
            key = AESGCM(ring.kek.unwrap(wrapped, _label(subject, subject_id)))
        except crypto.Unreadable:
            log.error("the data key of %s %s does not open", subject, subject_id)
    elif create:
        raw = crypto.new_data_key()
        connection.execute(
            insert(DataKey).values(
                subject=subject,
                subject_id=subject_id,
                wrapped=ring.kek.wrap(raw, _label(subject, subject_id)),
                kek_id=ring.kek.key_id,
                created_at=datetime.now(UTC),
            )
        )
        key = AESGCM(raw)
    cache[(subject, subject_id)] = key
    ring.remember((subject, subject_id), key)
    return key


def preload_keys(session: Session, subject: str, subject_ids: Iterable[int]) -> None:
    """Unwrap many subjects' keys in one query (the export reads thousands of cases)."""
    ring = ring_of(session)
    cache: dict[tuple[str, int], AESGCM | None] = session.info.setdefault(CACHE, {})
    wanted = sorted({i for i in subject_ids if (subject, i) not in cache})
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        rows = session.execute(
            select(DataKey.subject_id, DataKey.wrapped).where(
                DataKey.subject == subject, DataKey.subject_id.in_(chunk)
            )
        )
        found = {subject_id: wrapped for subject_id, wrapped in rows}
        for subject_id in chunk:
            wrapped = found.get(subject_id)
            try:
                raw = ring.kek.unwrap(wrapped, _label(subject, subject_id)) if wrapped else None
            except crypto.Unreadable:
                raw = None
            cache[(subject, subject_id)] = AESGCM(raw) if raw else None


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == {} or value == []


def seal_value(
    session: Session, connection: Connection, table: str, column: str, subject: tuple[str, int],
    value: Any,
) -> Any:  # fmt: skip
    """`value` sealed for this column of this subject (None, "" and empty JSON stay as they are)."""
    if _empty(value) or crypto.is_sealed_text(value) or crypto.is_sealed_json(value):
        return value
    key = data_key(session, connection, *subject, create=True)
    assert key is not None
    associated = crypto.associated_data(table, column, *subject)
    if isinstance(value, str):
        return crypto.seal_text(key, value, associated)
    return crypto.seal_json(key, value, associated)


def open_value(
    session: Session, table: str, column: str, subject: tuple[str, int], value: Any
) -> Any:
    """`value` opened, or raises `crypto.Unreadable` (no key any more, moved, damaged)."""
    if not (crypto.is_sealed_text(value) or crypto.is_sealed_json(value)):
        return value
    key = data_key(session, session.connection(), *subject, create=False)
    if key is None:
        raise crypto.Unreadable
    associated = crypto.associated_data(table, column, *subject)
    if isinstance(value, str):
        return crypto.open_text(key, value, associated)
    return crypto.open_json(key, cast(dict[str, str], value), associated)


def _table(entry: Sealed) -> str:
    return str(entry.model.__tablename__)


def _open_row(session: Session, entry: Sealed, row: Any, names: Iterable[str] | None) -> None:
    """Open the row's sealed values in place (its data key is looked up once)."""
    state_dict = row.__dict__
    wanted = entry.columns if names is None else [c for c in entry.columns if c in names]
    sealed = [c for c in wanted if _is_sealed(state_dict.get(c))]
    if not sealed:
        return
    subject = _subject(entry, row)
    table = _table(entry)
    cache: dict[tuple[str, int], AESGCM | None] = session.info.setdefault(CACHE, {})
    key = cache.get(subject) or data_key(session, session.connection(), *subject, create=False)
    for column in sealed:
        value = state_dict[column]
        try:
            if key is None:
                raise crypto.Unreadable
            associated = crypto.associated_data(table, column, *subject)
            if isinstance(value, str):
                plain = crypto.open_text(key, value, associated)
            else:
                plain = crypto.open_json(key, value, associated)
        except crypto.Unreadable:
            plain = _unreadable(session, entry, column)
            log.warning("%s.%s of %s %s cannot be read", table, column, *subject)
        if names is None:
            state_dict[column] = plain  # a row just loaded: nothing to reconcile
        else:
            set_committed_value(row, column, plain)


def _is_sealed(value: Any) -> bool:
    if type(value) is str:
        return value.startswith(crypto.PREFIX)
    return type(value) is dict and crypto.JSON_KEY in value and len(value) == 1


def _unreadable(session: Session, entry: Sealed, column: str) -> Any:
    """What a value that does not open reads as: the catalogue's notice for text, empty JSON."""
    if column in entry.lists:
        return []
    if isinstance(entry.model.__table__.c[column].type, JSON):
        return None if _nullable(entry, column) else {}
    return ring_of(session).unreadable


def _seal_before_write(entry: Sealed, target: Any, connection: Connection, *, new: bool) -> None:
    session = object_session(target)
    assert session is not None
    subject = _subject(entry, target)
    moved = not new and _subject_changed(entry, target)
    stash: dict[str, Any] = {}
    if entry.index is not None:
        source, index = entry.index
        value = target.__dict__.get(source)
        if isinstance(value, str) and not crypto.is_sealed_text(value):
            setattr(target, index, ring_of(session).lookup(value))
    for column in entry.columns:
        value = target.__dict__.get(column)
        if not new and not moved and not get_history(target, column).has_changes():
            continue
        if _empty(value):
            continue
        stash[column] = value
        if entry.own and new:
            setattr(target, column, "" if not _nullable(entry, column) else None)
        else:
            sealed = seal_value(session, connection, _table(entry), column, subject, value)
            setattr(target, column, sealed)
    target.__dict__[STASH] = stash


def _nullable(entry: Sealed, column: str) -> bool:
    return bool(entry.model.__table__.c[column].nullable)


def _subject_changed(entry: Sealed, target: Any) -> bool:
    if entry.own:
        return False
    foreign = "customer_id" if entry.subject == CUSTOMER else "case_id"
    return bool(get_history(target, foreign).has_changes())


def _after_write(entry: Sealed, target: Any, connection: Connection, *, new: bool) -> None:
    stash: dict[str, Any] = target.__dict__.pop(STASH, {})
    if not stash:
        return
    if entry.own and new:
        session = object_session(target)
        assert session is not None
        subject = _subject(entry, target)
        values = {
            column: seal_value(session, connection, _table(entry), column, subject, value)
            for column, value in stash.items()
        }
        table = cast(Table, entry.model.__table__)
        connection.execute(update(table).where(table.c.id == target.id).values(**values))
    for column, value in stash.items():
        set_committed_value(target, column, value)


Hook = tuple[type[Any], str, Callable[..., None]]


def _install(entry: Sealed) -> tuple[Hook, ...]:
    model = entry.model

    def before_insert(_mapper: Mapper[Any], connection: Connection, target: Any) -> None:
        _seal_before_write(entry, target, connection, new=True)

    def before_update(_mapper: Mapper[Any], connection: Connection, target: Any) -> None:
        _seal_before_write(entry, target, connection, new=False)

    def after_insert(_mapper: Mapper[Any], connection: Connection, target: Any) -> None:
        _after_write(entry, target, connection, new=True)

    def after_update(_mapper: Mapper[Any], connection: Connection, target: Any) -> None:
        _after_write(entry, target, connection, new=False)

    def on_load(target: Any, context: Any) -> None:
        _open_row(context.session, entry, target, None)

    def on_refresh(target: Any, context: Any, attrs: Iterable[str] | None) -> None:
        _open_row(context.session, entry, target, attrs)

    hooks: tuple[Hook, ...] = (
        (model, "before_insert", before_insert),
        (model, "before_update", before_update),
        (model, "after_insert", after_insert),
        (model, "after_update", after_update),
        (model, "load", on_load),
        (model, "refresh", on_refresh),
    )
    for target, name, hook in hooks:
        event.listen(target, name, hook)
    return hooks


# Every hook installed (the benchmark's "without encryption" run takes them off again).
HOOKS: tuple[Hook, ...] = tuple(hook for entry in SEALED for hook in _install(entry))


def shred(session: Session, subject: str, subject_ids: Iterable[int]) -> int:
    """Destroy these subjects' data keys: every copy of their rows becomes noise. The caller
    commits this on its own, before deleting the rows."""
    ids = sorted(set(subject_ids))
    if not ids:
        return 0
    result = session.execute(
        delete(DataKey).where(DataKey.subject == subject, DataKey.subject_id.in_(ids))
    )
    cache: dict[tuple[str, int], AESGCM | None] = session.info.setdefault(CACHE, {})
    ring = ring_of(session)
    for subject_id in ids:
        cache[(subject, subject_id)] = None
        ring.remember((subject, subject_id), None)
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
