"""Database problems at start, named as they are: a malformed DATABASE_URL, a database this user
cannot write, a refused login, a password that needs percent-encoding (never shown), and a
database that is not up yet (exit 75, which systemd restarts) as opposed to one that will never
work (exit 2). Each case runs the real `harassment-desk` process."""

from __future__ import annotations

import pytest

from tests.harness import DESK_CHANNEL
from tests.platform.test_ops_startup import last_line, run_cli

SLACK_SETTINGS = {
    "SLACK_BOT_TOKEN": "xoxb-1",
    "SLACK_SIGNING_SECRET": "0123456789abcdef0123456789abcdef",
    "DESK_CHANNEL_ID": DESK_CHANNEL,
}


@pytest.mark.parametrize("command", [["check"], ["run", "--http"], ["migrate"]])
def test_a_sqlite_url_with_two_slashes_is_a_setting_error(command: list[str]) -> None:
    result = run_cli(*command, env={**SLACK_SETTINGS, "DATABASE_URL": "sqlite://desk.db"})
    assert result.returncode == 2, result.stderr
    assert last_line(result) == (
        "harassment-desk: setting error: DATABASE_URL: sqlite://desk.db names a host, not a file "
        "(SQLite URLs have three slashes before the path); use sqlite:///desk.db for a file "
        "relative to the working folder, sqlite:////absolute/path/desk.db for an absolute path"
    )


def test_a_port_that_is_not_a_number_is_a_setting_error() -> None:
    url = "postgresql://desk:secret@db.example:54x2/desk"
    result = run_cli("migrate", env={**SLACK_SETTINGS, "DATABASE_URL": url})
    assert result.returncode == 2, result.stderr
    line = last_line(result)
    assert line.startswith(
        "harassment-desk: setting error: DATABASE_URL: the port in "
        "postgresql://desk:***@db.example:54x2/desk is not a number; use "
    )
    assert "secret" not in result.stderr


def test_a_password_that_needs_percent_encoding_is_named_and_never_shown() -> None:
    url = "postgresql://desk:p@ss#w/rd@127.0.0.1:5432/desk"
    for command in (["check"], ["migrate"], ["run", "--http"]):
        result = run_cli(*command, env={**SLACK_SETTINGS, "DATABASE_URL": url})
        assert result.returncode == 2, result.stderr
        line = last_line(result)
        assert line.startswith(
            "harassment-desk: setting error: DATABASE_URL: the user name or password in "
            "postgresql://desk:***@127.0.0.1:5432/desk holds '#' '/' '@', which a URL must carry "
            "percent-encoded (@ as %40, # as %23, / as %2F"
        ), line
        for piece in ("p@ss", "ss#w", "w/rd", "rd@"):
            assert piece not in result.stderr + result.stdout
