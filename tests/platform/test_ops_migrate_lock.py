"""Two replicas starting together on a new PostgreSQL database both migrate without a crash:
the upgrade holds an advisory lock (`storage/migrations/env.py`)."""

from __future__ import annotations

import os
import subprocess
import sys

from sqlalchemy import create_engine, text

from tests.conftest import postgres_server_url
from tests.harness import DESK_CHANNEL, PROJECT_ROOT, temporary_postgres_database

ROUNDS = 10


def test_two_migrations_at_once_on_an_empty_database_both_succeed_10_of_10() -> None:
    server = postgres_server_url()
    assert server
    outcomes = []
    for _ in range(ROUNDS):
        with temporary_postgres_database(server) as url:
            env = {
                "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
                "SLACK_BOT_TOKEN": "xoxb-1",
                "SLACK_SIGNING_SECRET": "0123456789abcdef0123456789abcdef",
                "DESK_CHANNEL_ID": DESK_CHANNEL,
                "DATABASE_URL": url,
            }
            children = [
                subprocess.Popen(
                    [sys.executable, "-m", "bot", "migrate"],
                    env=env,
                    cwd=PROJECT_ROOT / "tests" / "data",
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                )
                for _ in range(2)
            ]
            results = [(child.wait(timeout=120), child.communicate()[1]) for child in children]
            outcomes.append(tuple(code for code, _ in results))
            for code, stderr in results:
                assert code == 0, stderr
            engine = create_engine(url)
            with engine.connect() as connection:
                versions = connection.execute(text("SELECT count(*) FROM alembic_version"))
                assert versions.scalar_one() == 1
            engine.dispose()
    print(f"\nexit codes of the two migrations, {ROUNDS} rounds: {outcomes}")
    assert outcomes == [(0, 0)] * ROUNDS
