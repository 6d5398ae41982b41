"""Alembic environment: the engine comes from `storage.db.alembic_config`, not an ini file."""

from __future__ import annotations

from alembic import context
from sqlalchemy import text

from storage.db import MIGRATION_LOCK_KEY
from storage.models import Base

engine = context.config.attributes["engine"]

with engine.connect() as connection:
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
    connection.commit()
