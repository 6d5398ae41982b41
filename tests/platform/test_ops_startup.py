"""Bad starts: one line naming the setting or dependency and what to do, exit 2, no traceback;
a database or Slack that is not up yet is waited for (readiness says so meanwhile)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest
import requests
from sqlalchemy.engine import make_url

from bot.standin import SlackStandIn
from tests.conftest import postgres_server_url
from tests.harness import (
    DESK_CHANNEL,
    PROJECT_ROOT,
    TEST_CASE_KEY,
    AppProcess,
    base_env,
    free_port,
    populate_workspace,
    temporary_postgres_database,
)


def run_cli(
    *args: str, env: Mapping[str, str], timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **env},
        cwd=PROJECT_ROOT
        / "tests"
        / "data",  # no .env; not tests/, whose platform/ hides the stdlib
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def last_line(result: subprocess.CompletedProcess[str]) -> str:
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines, result
    print(f"\nbad start (exit {result.returncode}): {lines[-1]}")
    return lines[-1]


@pytest.fixture
def standin() -> Iterator[SlackStandIn]:
    with SlackStandIn() as slack:
        populate_workspace(slack)
        yield slack


def test_unknown_database_scheme_is_one_line(standin: SlackStandIn) -> None:
    env = base_env(standin, "mysql://desk@db.example/desk")
    result = run_cli("run", "--http", env=env)
    assert result.returncode == 2
    assert last_line(result) == (
        "harassment-desk: setting error: DATABASE_URL scheme 'mysql' is not supported; use "
        "sqlite:///path/to/desk.db or postgresql://user:password@host:5432/dbname"
    )


def test_missing_env_file_is_one_line(standin: SlackStandIn) -> None:
    result = run_cli("--env-file", "/nope/.env", "run", env={})
    assert result.returncode == 2
    assert last_line(result) == "harassment-desk: --env-file /nope/.env: no such file"


def test_postgres_scheme_as_providers_print_it_is_accepted() -> None:
    server = postgres_server_url()
    assert server
    with temporary_postgres_database(server) as url:
        provider_form = make_url(url).set(drivername="postgres").render_as_string(False)
        assert provider_form.startswith("postgres://")
        env = {
            "SLACK_BOT_TOKEN": "xoxb-1",
            "SLACK_SIGNING_SECRET": "0123456789abcdef0123456789abcdef",
            "DESK_CHANNEL_ID": DESK_CHANNEL,
            "CASE_KEY": TEST_CASE_KEY,
            "DATABASE_URL": provider_form,
        }
        result = run_cli("migrate", env=env)
        assert result.returncode == 0, result.stderr
        assert "database is at the newest schema" in result.stdout


def test_a_database_that_never_comes_up_is_retried_then_one_line(standin: SlackStandIn) -> None:
    closed = free_port()
    env = base_env(standin, f"postgresql://desk@127.0.0.1:{closed}/desk", DATABASE_WAIT="3s")
    result = run_cli("run", "--http", env=env)
    # Not up yet is a temporary failure: EX_TEMPFAIL, which the systemd unit restarts.
    assert result.returncode == 75
    lines = result.stderr.strip().splitlines()
    tries = [line for line in lines if "not reachable yet (try" in line]
    assert len(tries) >= 2, result.stderr
    assert last_line(result).startswith(
        f"harassment-desk: DATABASE_URL: cannot connect to postgresql+psycopg://desk@127.0.0.1:"
        f"{closed}/desk (OperationalError: "
    )
    assert last_line(result).endswith(
        "gave up after DATABASE_WAIT=3s: check that the database runs and the URL is right"
    )


@pytest.mark.parametrize(
    "command",
    [
        ("worker",),
        ("purge",),
        ("export", "--from", "2020-01", "--out", "-"),
    ],
    ids=["worker", "purge", "export"],
)
def test_every_command_waits_for_the_database_then_says_one_line(
    standin: SlackStandIn, command: tuple[str, ...]
) -> None:
    closed = free_port()
    env = base_env(standin, f"postgresql://desk@127.0.0.1:{closed}/desk", DATABASE_WAIT="2s")
    result = run_cli(*command, env=env)
    assert result.returncode == 75, result.stderr
    assert "Traceback" not in result.stderr
    assert "not reachable yet (try 1" in result.stderr
    assert last_line(result).endswith(
        "gave up after DATABASE_WAIT=2s: check that the database runs and the URL is right"
    )


def test_purge_refuses_a_database_that_does_not_exist_without_creating_it(
    standin: SlackStandIn, tmp_path: Path
) -> None:
    missing = tmp_path / "never-made.db"
    result = run_cli("purge", env=base_env(standin, f"sqlite:///{missing}"))
    assert result.returncode == 2, result.stderr
    assert last_line(result) == (
        f"harassment-desk: DATABASE_URL: there is no database at sqlite:///{missing}: "
        "run harassment-desk migrate first, with the same settings"
    )
    assert not missing.exists()


def test_a_refused_bot_token_stops_the_start(standin: SlackStandIn, sqlite_url: str) -> None:
    env = base_env(standin, sqlite_url, SLACK_BOT_TOKEN="xoxb-your-bot-token")
    result = run_cli("run", "--http", env=env)
    assert result.returncode == 2
    assert last_line(result) == (
        "harassment-desk: SLACK_BOT_TOKEN: Slack refused the token (invalid_auth); copy the Bot "
        "User OAuth Token (xoxb-…) again from OAuth & Permissions, or reinstall the app"
    )


def test_a_public_desk_channel_stops_the_start(standin: SlackStandIn, sqlite_url: str) -> None:
    standin.add_channel(DESK_CHANNEL, "kasuhara-desk", is_private=False)
    result = run_cli("run", "--http", env=base_env(standin, sqlite_url))
    assert result.returncode == 2
    assert last_line(result) == (
        f"harassment-desk: DESK_CHANNEL_ID: {DESK_CHANNEL} is a public channel; reports must go "
        "to a private channel: create one, invite the bot and set its id"
    )


def test_socket_mode_with_a_refused_app_token_is_one_line(
    standin: SlackStandIn, sqlite_url: str
) -> None:
    env = base_env(standin, sqlite_url, SLACK_APP_TOKEN="xapp-wrong", HEALTH_PORT="0")
    result = run_cli("run", env=env)
    assert result.returncode == 2
    assert last_line(result) == (
        "harassment-desk: SLACK_APP_TOKEN: Slack refused the app-level token (invalid_auth); "
        "create one with the connections:write scope under Basic Information > App-Level Tokens"
    )


def test_socket_mode_serves_health_and_readiness_on_health_port(
    standin: SlackStandIn, sqlite_url: str
) -> None:
    health_port = free_port()
    env = base_env(
        standin, sqlite_url, SLACK_APP_TOKEN=standin.app_token, HEALTH_PORT=str(health_port)
    )
    del env["SLACK_SIGNING_SECRET"]
    process = AppProcess(env, health_port, argv=[sys.executable, "-m", "bot", "run"])
    process.probe = "/readyz"
    process.start()
    try:
        ready = requests.get(f"http://127.0.0.1:{health_port}/readyz", timeout=5)
        body = ready.json()
        assert ready.status_code == 200, (body, process.output()[-3000:])
        print(f"\nSocket Mode /readyz: {body}")
        assert body["socket_mode"] == "connected" and body["slack"] == "authenticated"
        assert requests.get(f"http://127.0.0.1:{health_port}/healthz", timeout=5).ok
        metrics = requests.get(f"http://127.0.0.1:{health_port}/metrics", timeout=5)
        assert "harassment_desk_outbox_backlog" in metrics.text
        # No Slack endpoint on the health port.
        assert requests.post(f"http://127.0.0.1:{health_port}/slack/events", timeout=5).status_code
        assert standin.socket_connected()
        standin.disconnect_sockets()
    finally:
        process.stop()


def test_an_unreachable_slack_is_waited_for_while_not_ready(sqlite_url: str) -> None:
    slack_port = free_port()
    app_port = free_port()
    later = SlackStandIn(port=slack_port)
    env = base_env(later, sqlite_url)
    process = AppProcess(env, app_port, probe="/healthz").start()
    try:
        ready = requests.get(f"http://127.0.0.1:{app_port}/readyz", timeout=5)
        assert ready.status_code == 503
        assert ready.json()["slack"] == "unreachable"
        assert "Slack not reachable at" in process.output()
        with later:
            populate_workspace(later)
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                if requests.get(f"http://127.0.0.1:{app_port}/readyz", timeout=5).ok:
                    break
                later.wait_for(lambda: later.calls_to("auth.test"), timeout=120)
            answer = requests.get(f"http://127.0.0.1:{app_port}/readyz", timeout=5)
            assert answer.status_code == 200, answer.text
            assert answer.json()["slack"] == "authenticated"
    finally:
        process.stop()
