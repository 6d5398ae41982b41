"""A database at an older schema revision: `check` says so against the revision this version
needs, and `run --no-migrate` answers /readyz 503 with `"schema": "behind"` until someone runs
`harassment-desk migrate` (real processes, both databases)."""

from __future__ import annotations

import sys

import requests

from bot.standin import SlackStandIn
from storage.db import known_revisions, short_revision
from tests.harness import AppProcess, base_env, free_port
from tests.platform.test_ops_startup import run_cli


def test_check_and_readiness_name_a_schema_behind_head(
    slack: SlackStandIn, database_url: str
) -> None:
    env = base_env(slack, database_url)
    assert run_cli("migrate", env=env).returncode == 0
    assert run_cli("migrate", "--to", "0004", env=env).returncode == 0
    head = short_revision(known_revisions()[-1])
    result = run_cli("check", env=env)
    assert result.returncode == 1, result.stderr
    assert result.stderr.splitlines() == [
        f"harassment-desk check: DATABASE_URL: schema at 0004, the app needs {head}: back up "
        "the database, then run harassment-desk migrate"
    ]
    port = free_port()
    argv = [sys.executable, "-m", "bot", "run", "--http", "--no-migrate"]
    process = AppProcess(env, port, argv=argv, probe="/healthz").start()
    readyz = f"http://127.0.0.1:{port}/readyz"
    try:
        behind = requests.get(readyz, timeout=5)
        print(f"\n/readyz on schema 0004: {behind.status_code} {behind.json()}")
        assert behind.status_code == 503
        assert behind.json()["schema"] == "behind" and behind.json()["slack"] == "authenticated"
        assert run_cli("migrate", env=env).returncode == 0
        current = requests.get(readyz, timeout=5)
        assert current.status_code == 200, current.text
        assert current.json()["schema"] == "current"
    finally:
        process.stop()
    assert run_cli("check", env=env).returncode == 0
