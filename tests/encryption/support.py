"""Helpers for the encryption tests: what lies on disk, in a dump, and waiting for deliveries."""

from __future__ import annotations

import subprocess
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from storage.models import OutboxMessage, OutboxStatus
from tests.harness import AppHarness


def sqlite_bytes(database_url: str) -> bytes:
    """The database file with its -wal (and the keys' file, which holds no text either)."""
    path = Path(str(make_url(database_url).database))
    data = b""
    for name in (path.name, path.name + "-wal", path.name + ".keys", path.name + ".keys-wal"):
        file = path.with_name(name)
        if file.exists():
            data += file.read_bytes()
    return data


def pg_dump(database_url: str) -> bytes:
    """A plain-text dump of the whole database, as an operator's backup would be."""
    url = make_url(database_url).set(drivername="postgresql")
    done = subprocess.run(
        ["pg_dump", "--no-owner", "--dbname", url.render_as_string(hide_password=False)],
        capture_output=True,
        timeout=120,
        check=True,
    )
    return done.stdout


def on_disk(database_url: str) -> bytes:
    if database_url.startswith("sqlite"):
        return sqlite_bytes(database_url)
    return pg_dump(database_url)


def found(markers: list[str], data: bytes) -> list[str]:
    return [marker for marker in markers if marker.encode("utf-8") in data]


def wait_delivered(app: AppHarness) -> None:
    """Until no outbox row waits or is being sent."""

    def idle() -> bool:
        with app.deps.sessions() as session:
            waiting = session.scalar(
                select(func.count(OutboxMessage.id)).where(
                    OutboxMessage.status.in_((OutboxStatus.PENDING, OutboxStatus.SENDING))
                )
            )
        return waiting == 0

    app.slack.wait_for(idle, timeout=30)
