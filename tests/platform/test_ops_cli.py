"""The command line as an operator meets it, as real processes against the stand-in: a port
that is taken, `check` asking Slack what `run` asks (in the same words), options after the
subcommand, `--version`, a missing `.env`, `.env.example`'s sample values, and logs with one
line per problem."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest
from dotenv import dotenv_values

from bot.standin import SlackStandIn
from tests.harness import (
    DESK_CHANNEL,
    PROJECT_ROOT,
    AppProcess,
    base_env,
    free_port,
)

NO_ENV_FOLDER = PROJECT_ROOT / "tests" / "data"  # no .env; not tests/, whose platform/ shadows


def harassment_desk(
    *args: str, env: Mapping[str, str], cwd: Path = NO_ENV_FOLDER, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **env},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def lines(result: subprocess.CompletedProcess[str]) -> list[str]:
    assert "Traceback" not in result.stderr, result.stderr
    return result.stderr.strip().splitlines()


@pytest.fixture
def taken_port() -> Iterator[int]:
    """A port another program listens on."""
    with socket.create_server(("127.0.0.1", 0)) as other:
        yield int(other.getsockname()[1])


def in_use(setting: str, port: int) -> str:
    return (
        f"{setting}: 127.0.0.1:{port} is already in use by another program (or another "
        f"harassment-desk); stop it, or set {setting} to a free port"
    )


# --- a taken port ------------------------------------------------------------------------


def test_run_on_a_taken_port_is_one_line_and_nothing_claims_to_listen(
    slack: SlackStandIn, database_url: str, taken_port: int
) -> None:
    # On PostgreSQL `run` would start a worker process: the port is bound before that.
    env = base_env(slack, database_url, HOST="127.0.0.1", PORT=str(taken_port))
    result = harassment_desk("run", "--http", env=env)
    assert result.returncode == 2, result.stderr
    assert lines(result)[-1] == f"harassment-desk: {in_use('PORT', taken_port)}"
    assert "listening" not in result.stderr
    # Stopped before it touched Slack: nothing to retry, nothing half-started.
    assert not slack.calls_to("auth.test")


def test_socket_mode_on_a_taken_health_port_is_one_line(
    slack: SlackStandIn, sqlite_url: str, taken_port: int
) -> None:
    env = base_env(
        slack,
        sqlite_url,
        HOST="127.0.0.1",
        SLACK_APP_TOKEN=slack.app_token,
        HEALTH_PORT=str(taken_port),
    )
    result = harassment_desk("run", env=env)
    assert result.returncode == 2, result.stderr
    assert lines(result)[-1] == f"harassment-desk: {in_use('HEALTH_PORT', taken_port)}"
    assert "health endpoints on" not in result.stderr
    assert not slack.socket_connected()


def test_check_names_a_taken_port(slack: SlackStandIn, sqlite_url: str, taken_port: int) -> None:
    env = base_env(slack, sqlite_url, HOST="127.0.0.1", PORT=str(taken_port))
    result = harassment_desk("check", env=env)
    assert result.returncode == 1
    assert lines(result) == [f"harassment-desk check: {in_use('PORT', taken_port)}"]
    socket_mode = base_env(
        slack,
        sqlite_url,
        HOST="127.0.0.1",
        SLACK_APP_TOKEN=slack.app_token,
        HEALTH_PORT=str(taken_port),
    )
    result = harassment_desk("check", env=socket_mode)
    assert lines(result) == [f"harassment-desk check: {in_use('HEALTH_PORT', taken_port)}"]
    free = base_env(slack, sqlite_url, HOST="127.0.0.1", PORT=str(free_port()))
    assert harassment_desk("check", env=free).stdout == "all checks passed\n"


# --- check asks what run asks, in the same words -------------------------------------------


def test_check_refuses_the_app_token_run_refuses_in_the_same_words(
    slack: SlackStandIn, sqlite_url: str
) -> None:
    env = base_env(
        slack, sqlite_url, SLACK_APP_TOKEN="xapp-wrong", HEALTH_PORT="0", PORT=str(free_port())
    )
    run = harassment_desk("run", env=env)
    check = harassment_desk("check", env=env)
    assert run.returncode == 2 and check.returncode == 1
    refused = lines(run)[-1].removeprefix("harassment-desk: ")
    assert refused.startswith("SLACK_APP_TOKEN: Slack refused the app-level token (invalid_auth)")
    assert lines(check) == [f"harassment-desk check: {refused}"]
    assert slack.calls_to("apps.connections.open")
    good = {**env, "SLACK_APP_TOKEN": slack.app_token}
    assert harassment_desk("check", env=good).stdout == "all checks passed\n"


def test_check_refuses_the_bot_token_run_refuses_in_the_same_words(
    slack: SlackStandIn, sqlite_url: str
) -> None:
    env = base_env(slack, sqlite_url, SLACK_BOT_TOKEN="xoxb-wrong", PORT=str(free_port()))
    run = harassment_desk("run", "--http", env=env)
    check = harassment_desk("check", env=env)
    refused = lines(run)[-1].removeprefix("harassment-desk: ")
    assert "copy the Bot User OAuth Token" in refused
    assert lines(check) == [f"harassment-desk check: {refused}"]


def test_check_names_a_desk_channel_the_bot_was_not_invited_to(
    slack: SlackStandIn, sqlite_url: str
) -> None:
    slack.add_channel(DESK_CHANNEL, "kasuhara-desk", is_private=True, bot_is_member=False)
    env = base_env(slack, sqlite_url, PORT=str(free_port()))
    check = harassment_desk("check", env=env)
    assert check.returncode == 1
    [problem] = lines(check)
    assert problem.startswith("harassment-desk check: DESK_CHANNEL_ID: the bot cannot post in ")
    assert problem.endswith("invite it to the desk's private channel (/invite @Harassment Desk)")


# --- options, version, .env --------------------------------------------------------------


def test_global_options_work_after_the_subcommand(
    slack: SlackStandIn, sqlite_url: str, tmp_path: Path
) -> None:
    settings = tmp_path / "desk.env"
    env = base_env(slack, sqlite_url, PORT=str(free_port()))
    settings.write_text("".join(f"{k}={v}\n" for k, v in env.items()), encoding="utf-8")
    after = harassment_desk("check", "--env-file", str(settings), env={})
    before = harassment_desk("--env-file", str(settings), "check", env={})
    assert after.returncode == 0, after.stderr
    assert after.stdout == before.stdout == "all checks passed\n"
    missing = harassment_desk("migrate", "--env-file", "/nope/.env", env={})
    assert lines(missing) == ["harassment-desk: --env-file /nope/.env: no such file"]


def test_version_comes_from_the_package(tmp_path: Path) -> None:
    from importlib.metadata import version

    expected = f"harassment-desk {version('harassment-desk')}\n"
    assert harassment_desk("--version", env={}).stdout == expected
    assert harassment_desk("check", "--version", env={}).stdout == expected


def test_no_env_file_is_named_when_settings_are_missing(tmp_path: Path) -> None:
    result = harassment_desk("check", env={}, cwd=tmp_path)
    assert result.returncode == 2
    assert lines(result)[0] == (
        "harassment-desk: setting error: SLACK_BOT_TOKEN is not set (see .env.example)"
    )
    assert lines(result)[-1] == (
        f"harassment-desk: no .env found in {tmp_path}: copy .env.example to "
        f"{tmp_path / '.env'} and fill it in, or pass --env-file FILE"
    )
    # With a .env there, the hint would be wrong: it is not given.
    (tmp_path / ".env").write_text("LOG_LEVEL=INFO\n", encoding="utf-8")
    again = harassment_desk("check", env={}, cwd=tmp_path)
    assert "no .env found" not in again.stderr


def test_check_refuses_the_sample_values_of_env_example(
    slack: SlackStandIn, sqlite_url: str
) -> None:
    example = dotenv_values(PROJECT_ROOT / ".env.example")
    env = base_env(slack, sqlite_url, PORT=str(free_port()))
    env["SLACK_BOT_TOKEN"] = str(example["SLACK_BOT_TOKEN"])
    env["DESK_CHANNEL_ID"] = str(example["DESK_CHANNEL_ID"])
    result = harassment_desk("check", env=env)
    assert result.returncode == 1
    assert lines(result) == [
        "harassment-desk check: SLACK_BOT_TOKEN: xoxb-your-bot-token is the example value from "
        ".env.example; copy the Bot User OAuth Token (xoxb-…) from OAuth & Permissions",
        "harassment-desk check: DESK_CHANNEL_ID: C0123456789 is the example value from "
        ".env.example; set the id of the desk's private channel (channel details > About > "
        "Channel ID)",
    ]
    assert not slack.calls_to("auth.test")


# --- logs: one line per problem ----------------------------------------------------------


def test_a_refused_token_start_is_one_line_without_library_noise(
    slack: SlackStandIn, sqlite_url: str
) -> None:
    env = base_env(slack, sqlite_url, PORT=str(free_port()))
    assert harassment_desk("migrate", env=env).returncode == 0
    # Bolt reads SLACK_BOT_TOKEN from the process environment itself, as in a deployment.
    result = harassment_desk("run", "--http", env={**env, "SLACK_BOT_TOKEN": "xoxb-wrong"})
    assert result.returncode == 2
    output = lines(result)
    print("\n" + "\n".join(output))
    assert "setup plugin" not in result.stderr
    assert "token` will be unused" not in result.stderr
    assert "Context impl" not in result.stderr
    problems = [line for line in output if " INFO " not in line]
    assert problems == [output[-1]]
    assert output[-1].startswith("harassment-desk: SLACK_BOT_TOKEN: Slack refused the token")
    assert len(output) <= 2, output  # the database it opened, and the problem


def test_one_line_per_slack_unreachable_retry(sqlite_url: str) -> None:
    closed = free_port()
    env = base_env(SlackStandIn(port=closed), sqlite_url)
    process = AppProcess(env, free_port(), probe="/healthz").start()
    try:
        deadline = time.monotonic() + 60
        while process.output().count("Slack still not reachable") < 2:
            assert time.monotonic() < deadline, process.output()
            time.sleep(0.1)
        output = process.output()
    finally:
        process.stop()
    print("\n" + output)
    assert "slack_sdk" not in output
    assert "setup plugin" not in output and "will be unused" not in output
    after_migrations = output.split("Slack not reachable at", 1)[1].splitlines()[1:]
    assert f"Slack not reachable at http://127.0.0.1:{closed}/api/ (URLError)" in output
    # One line per retry, nothing else from the tries (the scheduler's and the listening line
    # are the start going on).
    retries = [line for line in after_migrations if "listening" not in line]
    retries = [line for line in retries if "scheduler started" not in line]
    assert retries and all("Slack still not reachable (URLError)" in r for r in retries), retries


def test_one_line_per_socket_mode_retry_while_slack_is_unreachable(sqlite_url: str) -> None:
    closed = free_port()
    health_port = free_port()
    standin = SlackStandIn(port=closed)
    env = base_env(
        standin, sqlite_url, SLACK_APP_TOKEN=standin.app_token, HEALTH_PORT=str(health_port)
    )
    del env["SLACK_SIGNING_SECRET"]
    process = AppProcess(env, health_port, argv=[sys.executable, "-m", "bot", "run"])
    process.probe = "/healthz"
    process.start()
    try:
        deadline = time.monotonic() + 60
        while process.output().count("Socket Mode: cannot reach Slack") < 2:
            assert time.monotonic() < deadline, process.output()
            time.sleep(0.1)
        output = process.output()
    finally:
        process.stop()
    print("\n" + output)
    assert "slack_sdk" not in output and "Traceback" not in output
