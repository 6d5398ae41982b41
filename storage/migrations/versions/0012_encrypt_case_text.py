"""seal case text at rest: data keys per case and customer, sealed columns, blind index

Creates `data_keys` and `encryption_state`, widens the sealed columns to TEXT (a sealed value
is longer than its text), gives customer identifiers their blind index (`lookup`), then seals
every existing free text with its case's (or customer's) data key, 500 rows at a time. A value
already sealed is left alone, so a run that was interrupted (and rolled back, or stopped
between batches on a later retry) is simply run again. `storage.db.migrate` vacuums the
tables afterwards (SQLite VACUUM, PostgreSQL VACUUM FULL) so no clear text stays in free pages.

The key-encryption key comes from `harassment-desk migrate` / `run` (alembic_config's
attributes); a database with rows to seal refuses to migrate without it.

The column list is this revision's own (not storage.encryption.SEALED, which grows later).

Revision ID: 0012_encrypt_case_text
Revises: 0011_outbox_names_only_posts
Create Date: 2026-12-08 01:00:00.000000
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import context, op
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from storage import crypto

revision: str = "0012_encrypt_case_text"
down_revision: str | None = "0011_outbox_names_only_posts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 500
# (table, sealed columns, subject, the column naming the subject ("id": the row is it))
SEALED: tuple[tuple[str, tuple[str, ...], str, str], ...] = (
    (
        "cases",
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
        "case",
        "id",
    ),
    ("case_events", ("note", "before", "after"), "case", "case_id"),
    ("case_messages", ("text", "files"), "case", "case_id"),
    ("evidence_files", ("name", "source_url"), "case", "case_id"),
    ("outbox", ("payload",), "case", "case_id"),
    ("customers", ("display_name",), "customer", "id"),
    ("customer_identifiers", ("text", "normalized"), "customer", "customer_id"),
)
JSON_COLUMNS = frozenset({"before", "after", "files", "payload"})
WIDENED = (
    ("cases", "location", 100),
    ("cases", "customer_text", 200),
    ("evidence_files", "name", 255),
    ("evidence_files", "source_url", 1024),
    ("customers", "display_name", 200),
    ("customer_identifiers", "text", 200),
    ("customer_identifiers", "normalized", 200),
)
NO_KEY = (
    "CASE_KEY_FILE: this database holds cases written before encryption, and sealing them "
    "needs the key: set CASE_KEY_FILE (or CASE_KEY) and run harassment-desk migrate again"
)


class MissingKey(RuntimeError):
    pass


def _schema() -> None:
    if op.get_bind().dialect.name == "postgresql":  # SQLite: the attached file (storage.db)
        op.execute("CREATE SCHEMA IF NOT EXISTS keystore")
    op.create_table(
        "data_keys",
        sa.Column("subject", sa.String(16), primary_key=True),
        sa.Column("subject_id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("wrapped", sa.Text, nullable=False),
        sa.Column("kek_id", sa.String(32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        schema="keystore",
    )
    op.create_table(
        "encryption_state",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("kek_id", sa.String(32), nullable=False),
        sa.Column("index_secret", sa.Text, nullable=False),
        sa.Column("rotating_to", sa.String(32), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
    )
    _retype(to_text=True)
    with op.batch_alter_table("customer_identifiers") as batch:
        batch.add_column(sa.Column("lookup", sa.String(64), nullable=False, server_default=""))
        batch.drop_constraint("uq_customer_identifier", type_="unique")
        batch.drop_index("ix_customer_identifiers_normalized")


def _lookup_constraints() -> None:
    """Once every identifier has its blind index: one per record, and an index to match."""
    with op.batch_alter_table("customer_identifiers") as batch:
        batch.create_index("ix_customer_identifiers_lookup", ["lookup"])
        batch.create_unique_constraint("uq_customer_identifier", ["customer_id", "lookup"])


def _retype(*, to_text: bool) -> None:
    """The sealed columns as TEXT (a sealed value is longer than its text), or back."""
    tables = sorted({table for table, _column, _length in WIDENED})
    for name in tables:
        with op.batch_alter_table(name) as batch:
            for table, column, length in WIDENED:
                if table != name:
                    continue
                old, new = sa.String(length), sa.Text()
                batch.alter_column(
                    column,
                    type_=new if to_text else old,
                    existing_type=old if to_text else new,
                )


def _has_rows(bind: sa.Connection) -> bool:
    return any(
        bind.execute(sa.text(f"SELECT 1 FROM {table} LIMIT 1")).first() is not None
        for table in ("cases", "customers", "case_messages", "case_events")
    )


def _state(bind: sa.Connection, kek: crypto.Kek) -> bytes:
    """The index secret: recorded with the key's check value on first use."""
    state = sa.table(
        "encryption_state",
        sa.column("id"),
        sa.column("kek_id"),
        sa.column("index_secret"),
        sa.column("changed_at"),
    )
    secret = os.urandom(crypto.KEY_BYTES)
    bind.execute(
        sa.insert(state).values(
            id=1,
            kek_id=kek.key_id,
            index_secret=kek.wrap(secret, "index"),
            changed_at=datetime.now(UTC),
        )
    )
    return secret


class _Keys:
    def __init__(self, bind: sa.Connection, kek: crypto.Kek) -> None:
        self.bind, self.kek = bind, kek
        self.table = sa.table(
            "data_keys",
            sa.column("subject"),
            sa.column("subject_id"),
            sa.column("wrapped"),
            sa.column("kek_id"),
            sa.column("created_at"),
            schema="keystore",
        )
        self.cache: dict[tuple[str, int], AESGCM] = {}

    def existing(self, subject: str, subject_id: int) -> AESGCM:
        """The subject's key; a missing or foreign one opens nothing (a random key)."""
        try:
            return self.get(subject, subject_id, create=False)
        except (crypto.Unreadable, LookupError):
            return AESGCM(crypto.new_data_key())

    def get(self, subject: str, subject_id: int, *, create: bool = True) -> AESGCM:
        found = self.cache.get((subject, subject_id))
        if found is not None:
            return found
        label = f"{subject}:{subject_id}"
        wrapped = self.bind.execute(
            sa.select(self.table.c.wrapped).where(
                self.table.c.subject == subject, self.table.c.subject_id == subject_id
            )
        ).scalar_one_or_none()
        if wrapped is not None:
            raw = self.kek.unwrap(wrapped, label)
        elif not create:
            raise LookupError(label)
        else:
            raw = crypto.new_data_key()
            self.bind.execute(
                sa.insert(self.table).values(
                    subject=subject,
                    subject_id=subject_id,
                    wrapped=self.kek.wrap(raw, label),
                    kek_id=self.kek.key_id,
                    created_at=datetime.now(UTC),
                )
            )
        key = self.cache[(subject, subject_id)] = AESGCM(raw)
        return key


def _sealed(value: Any) -> bool:
    return crypto.is_sealed_text(value) or crypto.is_sealed_json(value)


def _seal_table(
    keys: _Keys, name: str, columns: tuple[str, ...], subject: str, owner: str
) -> int:  # fmt: skip
    wanted = ["id", *columns] + ([owner] if owner != "id" else [])
    table = sa.table(
        name,
        *[sa.column(c, sa.JSON if c in JSON_COLUMNS else sa.Text) for c in wanted],
    )
    sealed, last = 0, 0
    while True:
        rows = keys.bind.execute(
            sa.select(*table.c).where(table.c.id > last).order_by(table.c.id).limit(BATCH)
        ).all()
        if not rows:
            return sealed
        for row in rows:
            last = row.id
            owner_id = getattr(row, owner)
            subject_key = (subject, owner_id) if owner_id is not None else ("loose", 0)
            values: dict[str, Any] = {}
            for column in columns:
                value = getattr(row, column)
                if value in (None, "", {}, []) or _sealed(value):
                    continue
                associated = crypto.associated_data(name, column, *subject_key)
                key = keys.get(*subject_key)
                values[column] = (
                    crypto.seal_text(key, value, associated)
                    if isinstance(value, str)
                    else crypto.seal_json(key, value, associated)
                )
            if values:
                keys.bind.execute(sa.update(table).where(table.c.id == row.id).values(**values))
                sealed += 1


def _index(bind: sa.Connection, kek: crypto.Kek, secret: bytes) -> None:
    identifiers = sa.table(
        "customer_identifiers", sa.column("id"), sa.column("normalized"), sa.column("lookup")
    )
    key = crypto.lookup_key(secret)
    rows = bind.execute(sa.select(identifiers.c.id, identifiers.c.normalized)).all()
    for row in rows:
        bind.execute(
            sa.update(identifiers)
            .where(identifiers.c.id == row.id)
            .values(lookup=crypto.blind_index(key, row.normalized))
        )


def upgrade() -> None:
    _schema()
    bind = op.get_bind()
    kek = context.config.attributes.get("kek")
    if not _has_rows(bind):
        _lookup_constraints()
        return  # a new database: the app records its key at start
    if not isinstance(kek, crypto.Kek):
        raise MissingKey(NO_KEY)
    secret = _state(bind, kek)
    _index(bind, kek, secret)  # while `normalized` is still clear
    _lookup_constraints()
    keys = _Keys(bind, kek)
    total = 0
    for name, columns, subject, owner in SEALED:
        total += _seal_table(keys, name, columns, subject, owner)
    context.config.attributes["sealed_rows"] = total


def _unseal_table(
    keys: _Keys, name: str, columns: tuple[str, ...], subject: str, owner: str
) -> None:  # fmt: skip
    """Back to clear text (a step back to a version without encryption asked for it)."""
    wanted = ["id", *columns] + ([owner] if owner != "id" else [])
    table = sa.table(
        name, *[sa.column(c, sa.JSON if c in JSON_COLUMNS else sa.Text) for c in wanted]
    )
    last = 0
    while True:
        rows = keys.bind.execute(
            sa.select(*table.c).where(table.c.id > last).order_by(table.c.id).limit(BATCH)
        ).all()
        if not rows:
            return
        for row in rows:
            last = row.id
            owner_id = getattr(row, owner)
            subject_key = (subject, owner_id) if owner_id is not None else ("loose", 0)
            values: dict[str, Any] = {}
            for column in columns:
                value = getattr(row, column)
                if not _sealed(value):
                    continue
                key = keys.existing(*subject_key)
                associated = crypto.associated_data(name, column, *subject_key)
                try:
                    values[column] = (
                        crypto.open_text(key, value, associated)
                        if isinstance(value, str)
                        else crypto.open_json(key, value, associated)
                    )
                except crypto.Unreadable:
                    values[column] = "" if column not in JSON_COLUMNS else None
            if values:
                keys.bind.execute(sa.update(table).where(table.c.id == row.id).values(**values))


def downgrade() -> None:
    # Going back puts the text in clear again, so it needs the key (given by `migrate --to`).
    bind = op.get_bind()
    kek = context.config.attributes.get("kek")
    sealed = bind.execute(sa.text("SELECT 1 FROM keystore.data_keys LIMIT 1")).first()
    if sealed is not None:
        if not isinstance(kek, crypto.Kek):
            raise MissingKey(NO_KEY)
        keys = _Keys(bind, kek)
        for name, columns, subject, owner in SEALED:
            _unseal_table(keys, name, columns, subject, owner)
    with op.batch_alter_table("customer_identifiers") as batch:
        batch.drop_constraint("uq_customer_identifier", type_="unique")
        batch.drop_index("ix_customer_identifiers_lookup")
        batch.drop_column("lookup")
        batch.create_index("ix_customer_identifiers_normalized", ["normalized"])
        batch.create_unique_constraint("uq_customer_identifier", ["customer_id", "normalized"])
    _retype(to_text=False)
    op.drop_table("encryption_state")
    op.drop_table("data_keys", schema="keystore")
    if bind.dialect.name == "postgresql":
        op.execute("DROP SCHEMA IF EXISTS keystore")
