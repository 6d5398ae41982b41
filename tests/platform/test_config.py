"""Settings: typed, read once, and every problem named in one line."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta

import pytest

from bot.config import SettingsError, load_settings, parse_duration, parse_weekdays
from tests.harness import PROJECT_ROOT

VALID = {
    "SLACK_BOT_TOKEN": "xoxb-1",
    "SLACK_SIGNING_SECRET": "0123456789abcdef0123456789abcdef",
    "DESK_CHANNEL_ID": "C0123ABCD",
}


def test_defaults_follow_the_design() -> None:
    settings = load_settings({**VALID, "HOME": "/home/desk"})
    # Not the working folder: the same file wherever the command runs.
    assert settings.database_url == (
        "sqlite:////home/desk/.local/share/harassment-desk/harassment_desk.db"
    )
    assert load_settings({**VALID, "XDG_DATA_HOME": "/srv/data"}).database_url == (
        "sqlite:////srv/data/harassment-desk/harassment_desk.db"
    )
    assert settings.slack_api_url == "https://slack.com/api/"
    assert (settings.host, settings.port) == ("0.0.0.0", 3000)
    assert settings.default_locale == "ja"
    assert settings.ack_sla == timedelta(minutes=30)
    assert settings.checkin_offsets == (timedelta(days=1), timedelta(days=7), timedelta(days=30))
    assert settings.checkin_hours == (10, 18)
    assert settings.scheduler_tick == timedelta(seconds=15)
    assert settings.hotline_url is None
    assert not settings.socket_mode


def test_durations_hours_and_days_parse() -> None:
    assert parse_duration("90s") == timedelta(seconds=90)
    assert parse_duration("15m") == timedelta(minutes=15)
    assert parse_duration("1d") == timedelta(days=1)
    assert parse_weekdays("mon-fri") == frozenset(range(5))
    assert parse_weekdays("sat,sun") == frozenset({5, 6})
    settings = load_settings({**VALID, "CHECKIN_OFFSETS": "2s,5s", "CHECKIN_HOURS": "0-24"})
    assert settings.checkin_offsets == (timedelta(seconds=2), timedelta(seconds=5))
    assert settings.checkin_hours == (0, 24)


def test_every_problem_is_reported_at_once_naming_the_setting() -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings(
            {
                "SLACK_BOT_TOKEN": "xoxp-user-token",
                "PORT": "99999",
                "ACK_SLA": "soon",
                "DEFAULT_LOCALE": "fr",
                "CHECKIN_HOURS": "18-10",
                "HOTLINE_URL": "not a url",
            }
        )
    problems = caught.value.problems
    for name in (
        "SLACK_BOT_TOKEN",
        "DESK_CHANNEL_ID",
        "SLACK_SIGNING_SECRET",
        "PORT",
        "ACK_SLA",
        "DEFAULT_LOCALE",
        "CHECKIN_HOURS",
        "HOTLINE_URL",
    ):
        assert any(problem.startswith(name) for problem in problems), name


def test_socket_mode_needs_no_signing_secret_but_http_does() -> None:
    env = {"SLACK_BOT_TOKEN": "xoxb-1", "DESK_CHANNEL_ID": "C0123ABCD", "SLACK_APP_TOKEN": "xapp-1"}
    assert load_settings(env).socket_mode
    with pytest.raises(SettingsError, match="SLACK_SIGNING_SECRET"):
        load_settings(env, http_mode=True)


def run_cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env={"PATH": "/usr/bin:/bin", **env},
        cwd=PROJECT_ROOT / "tests" / "data",  # no .env there (nor a folder shadowing stdlib)
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_run_with_a_bad_setting_prints_one_line_per_problem_and_no_traceback() -> None:
    result = run_cli("run", env={"SLACK_BOT_TOKEN": "xoxb-1", "DESK_CHANNEL_ID": "general"})
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert lines == [
        "harassment-desk: setting error: DESK_CHANNEL_ID 'general' is not a channel id like "
        "C0123ABCD",
        "harassment-desk: setting error: SLACK_SIGNING_SECRET is required in HTTP mode (or set "
        "SLACK_APP_TOKEN)",
    ]
    assert "Traceback" not in result.stderr


def test_answers_owed_to_the_reporter_are_durations_and_a_bad_one_stops_the_app() -> None:
    settings = load_settings(VALID)
    assert (settings.ack_to_reporter, settings.feedback_due) == (
        timedelta(days=7),
        timedelta(days=90),
    )
    assert load_settings({**VALID, "FEEDBACK_DUE": "30d"}).feedback_due == timedelta(days=30)
    env = {"SLACK_BOT_TOKEN": "xoxb-1", "DESK_CHANNEL_ID": "C0123ABCD", "SLACK_APP_TOKEN": "xapp-1"}
    result = run_cli("run", env={**env, "ACK_TO_REPORTER": "a week"})
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(
        "harassment-desk: setting error: ACK_TO_REPORTER"
    )
    assert "Traceback" not in result.stderr
