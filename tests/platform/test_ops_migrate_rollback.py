"""`harassment-desk migrate --to REVISION` steps the schema down one revision at a time and up
again, on a database with a row in every table, keeping every value the older schema can hold
(real processes, both databases). Plain `alembic` works too, with the repository's alembic.ini."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Engine, MetaData, create_engine

from storage.db import known_revisions, make_engine, short_revision
from storage.encryption import SEALED
from storage.models import Base
from tests.harness import DESK_CHANNEL, PROJECT_ROOT, TEST_CASE_KEY, keyed_sessions
from tests.platform.test_ops_startup import run_cli

SETTINGS = {
    "SLACK_BOT_TOKEN": "xoxb-1",
    "SLACK_SIGNING_SECRET": "0123456789abcdef0123456789abcdef",
    "DESK_CHANNEL_ID": DESK_CHANNEL,
    "CASE_KEY": TEST_CASE_KEY,
}
WHEN = datetime(2026, 11, 30, 9, 15, tzinfo=UTC)


def _value(table: sa.Table, column: sa.Column[Any], parents: dict[str, int]) -> Any:
    for key in column.foreign_keys:
        parent = key.column.table.name
        return None if parent == table.name else parents[parent]
    kind = column.type.impl if isinstance(column.type, sa.TypeDecorator) else column.type
    if isinstance(kind, sa.JSON):
        return {"kept": [table.name, column.name]}
    if isinstance(kind, sa.DateTime):
        return WHEN
    if isinstance(kind, sa.Date):
        return date(2026, 12, 1)
    if isinstance(kind, sa.Boolean):
        return True
    if isinstance(kind, sa.Integer | sa.Float | sa.Numeric):
        return 7
    length = getattr(kind, "length", None) or 64
    return f"{table.name[:3]}-{column.name}"[:length]


# Rows the app writes itself on its first use of the key (the key's check value): seeded with
# made-up values, the next `migrate` would take the database for another key's.
APP_WRITTEN = frozenset({"encryption_state"})


def seed_every_table(engine: Engine) -> None:
    """One row per table, every column filled (a foreign key points at its parent's row)."""
    parents: dict[str, int] = {}
    with engine.begin() as connection:
        for table in Base.metadata.sorted_tables:
            if table.name in APP_WRITTEN:
                continue
            row = {
                column.name: _value(table, column, parents)
                for column in table.columns
                if not (
                    column.primary_key and column.autoincrement is True and not column.foreign_keys
                )
                or table.name == "desk_staff_generation"
            }
            result = connection.execute(sa.insert(table).values(**row))
            key = result.inserted_primary_key
            parents[table.name] = key[0] if key and key[0] is not None else 7


def snapshot(url: str) -> dict[str, list[dict[str, Any]]]:
    engine = make_engine(url)  # with the data keys' schema (attached on SQLite)
    try:
        metadata = MetaData()
        metadata.reflect(engine)
        if "keystore" in sa.inspect(engine).get_schema_names():
            metadata.reflect(engine, schema="keystore")
        with engine.connect() as connection:
            return {
                name: [dict(row._mapping) for row in connection.execute(sa.select(table))]
                for name, table in metadata.tables.items()
                if name != "alembic_version"
            }
    finally:
        engine.dispose()


def assert_kept(
    seeded: dict[str, list[dict[str, Any]]], now: dict[str, list[dict[str, Any]]]
) -> None:
    """Every table still there holds the seeded row, with each column it still has unchanged."""
    for name, rows in now.items():
        assert name in seeded, name
        assert len(rows) == 1, (name, rows)
        for column, value in rows[0].items():
            if column in seeded[name][0]:
                assert value == seeded[name][0][column], (name, column)


def test_migrate_to_steps_down_to_0001_and_up_again_keeping_the_data(database_url: str) -> None:
    env = {**SETTINGS, "DATABASE_URL": database_url}
    upgraded = run_cli("migrate", env=env)
    assert upgraded.returncode == 0, upgraded.stderr
    engine = make_engine(database_url)
    keyed_sessions(engine)  # the key's check value, recorded as the app's first start does
    seed_every_table(engine)
    engine.dispose()
    seeded = snapshot(database_url)
    assert set(seeded) == set(Base.metadata.tables)
    revisions = known_revisions()
    for revision in reversed(revisions[:-1]):
        number = short_revision(revision)
        result = run_cli("migrate", "--to", number, env=env)
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip().endswith(f"to {number}"), result.stdout
        now = snapshot(database_url)
        assert "cases" in now and "case_events" in now and "checkins" in now
        assert_kept(seeded, now)
    at_first = snapshot(database_url)
    print(f"\nat 0001: tables {sorted(at_first)}")
    again = run_cli("migrate", env=env)
    assert again.returncode == 0, again.stderr
    back = snapshot(database_url)
    assert set(back) == set(Base.metadata.tables)
    # Up again, the free text is sealed (storage/encryption.py): it opens to what it was.
    sealed = {(str(e.model.__tablename__), column) for e in SEALED for column in e.columns}
    engine = make_engine(database_url)
    opened = keyed_sessions(engine)()
    for name, rows in at_first.items():
        assert len(back[name]) == 1, name
        for column, value in rows[0].items():
            if (name, column) in sealed and value:
                model = next(e.model for e in SEALED if e.model.__tablename__ == name)
                row = opened.get(model, back[name][0]["id"])
                assert getattr(row, column) == value, (name, column)
                assert back[name][0][column] != value, (name, column)
                continue
            assert back[name][0][column] == value, (name, column)
    opened.close()
    engine.dispose()


def test_plain_alembic_steps_back_and_up(sqlite_url: str) -> None:
    env = {**SETTINGS, "DATABASE_URL": sqlite_url}
    assert run_cli("migrate", env=env).returncode == 0
    head = known_revisions()[-1]
    for argv, expected in ((["downgrade", "0008"], "0008"), (["upgrade", "head"], head)):
        result = subprocess.run(
            [sys.executable, "-m", "alembic", *argv],
            env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "DATABASE_URL": sqlite_url},
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        engine = create_engine(sqlite_url)
        with engine.connect() as connection:
            version = connection.execute(sa.text("SELECT version_num FROM alembic_version"))
            assert short_revision(version.scalar_one()) == short_revision(expected)
        engine.dispose()
