"""Alembic environment.

`harassment-desk migrate` hands over the app's engine (`storage.db.alembic_config`). Plain
`alembic` (with `alembic.ini` at the repository root) finds the database as the app does
(DATABASE_URL from the environment or `./.env`, else the default file), or takes `-x url=…`.
"""

from __future__ import annotations

from typing import Any

from alembic import context
from sqlalchemy import Connection, Engine, text

from storage.db import MIGRATION_LOCK_KEY, is_sqlite, make_engine, sqlite_migration_lock
from storage.models import Base


def _engine_for_plain_alembic() -> Engine:
    from bot.cli import read_environment
    from bot.config import SettingsError, database_url_setting

    url = context.get_x_argument(as_dictionary=True).get("url")
    try:
        return make_engine(
            database_url_setting({"DATABASE_URL": url} if url else read_environment(None))
        )
    except SettingsError as exc:
        raise SystemExit(f"alembic: setting error: {exc}") from None


def _run(connection: Connection) -> None:
    if connection.dialect.name == "postgresql":
        # Held until the commit below: a second replica waits here, then finds the schema
        # current and has nothing to do.
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
    if connection.dialect.name == "sqlite":
        broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        if broken:
            connection.rollback()
            raise RuntimeError(f"the migration left {len(broken)} rows without their parent row")
    connection.commit()


def _sqlite_foreign_keys(connection: Connection, on: bool) -> None:
    # Outside any transaction (SQLite ignores the pragma inside one), on the driver's connection
    # before SQLAlchemy begins: a batch migration re-creates a table (copy, DROP, rename), and
    # with foreign keys on, dropping `cases` would cascade-delete every case's audit trail,
    # check-ins and conversation.
    driver: Any = connection.connection.driver_connection
    driver.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")


def run_migrations(engine: Engine) -> None:
    with sqlite_migration_lock(engine), engine.connect() as connection:
        if not is_sqlite(engine):
            _run(connection)
            return
        _sqlite_foreign_keys(connection, on=False)
        try:
            _run(connection)
        finally:
            if connection.in_transaction():
                connection.rollback()
            _sqlite_foreign_keys(connection, on=True)


given = context.config.attributes.get("engine")
if given is not None:
    run_migrations(given)
else:
    own = _engine_for_plain_alembic()
    try:
        run_migrations(own)
    finally:
        own.dispose()
