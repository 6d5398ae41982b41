"""Database problems at start, named as they are: a malformed DATABASE_URL, a database this user
cannot write, a refused login, a password that needs percent-encoding (never shown), and a
database that is not up yet (exit 75, which systemd restarts) as opposed to one that will never
work (exit 2). Each case runs the real `harassment-desk` process."""

from __future__ import annotations

import configparser
import os
import shutil
import socket
import socketserver
import struct
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from tests.harness import DESK_CHANNEL, PROJECT_ROOT, TEST_CASE_KEY
from tests.platform.test_ops_startup import last_line, run_cli

SLACK_SETTINGS = {
    "SLACK_BOT_TOKEN": "xoxb-1",
    "SLACK_SIGNING_SECRET": "0123456789abcdef0123456789abcdef",
    "DESK_CHANNEL_ID": DESK_CHANNEL,
    "CASE_KEY": TEST_CASE_KEY,  # PostgreSQL needs one; SQLite would make a file
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


def run_as_unprivileged(
    *args: str, env: Mapping[str, str], timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """The CLI as a user without root's power over file modes (nobody), as a service runs."""
    prefix = UNPRIVILEGED if os.geteuid() == 0 else []
    return subprocess.run(
        [*prefix, sys.executable, "-m", "bot", *args],
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **env},
        cwd=PROJECT_ROOT / "tests" / "data",
        capture_output=True,
        text=True,
        timeout=timeout,
    )


UNPRIVILEGED = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]


@pytest.fixture
def shared_folder() -> Iterator[Path]:
    """A folder outside pytest's root-only tmp tree, so that user nobody can reach it."""
    folder = Path(tempfile.mkdtemp(prefix="hd-perm-"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _user_owns(path: Path) -> None:
    if os.geteuid() == 0:
        os.chown(path, 65534, 65534)


def test_check_and_run_with_a_folder_this_user_cannot_write(shared_folder: Path) -> None:
    locked = shared_folder / "locked"
    locked.mkdir(mode=0o555)
    env = {**SLACK_SETTINGS, "DATABASE_URL": f"sqlite:///{locked / 'desk.db'}"}
    for command in (["check"], ["migrate"], ["run", "--http"]):
        result = run_as_unprivileged(*command, env=env)
        assert result.returncode in (1, 2), result.stderr
        line = [text for text in result.stderr.splitlines() if "DATABASE_URL" in text]
        assert line and "Traceback" not in result.stderr, result.stderr
        assert line[0].endswith(
            f"DATABASE_URL: the folder {locked} is not writable by user nobody (SQLite writes "
            f"its -wal and -shm files beside desk.db): chown nobody {locked}, or point "
            "DATABASE_URL at a folder this user can write"
        ), line


def test_a_read_only_sqlite_file_is_named_at_once_not_waited_for(shared_folder: Path) -> None:
    folder = shared_folder / "data"
    folder.mkdir(mode=0o700)
    _user_owns(folder)
    database = folder / "desk.db"
    env = {**SLACK_SETTINGS, "DATABASE_URL": f"sqlite:///{database}", "DATABASE_WAIT": "60s"}
    assert run_as_unprivileged("migrate", env=env).returncode == 0
    database.chmod(0o400)
    for command in (["migrate"], ["run", "--http"], ["check"]):
        result = run_as_unprivileged(*command, env=env)
        assert result.returncode in (1, 2), result.stderr
        assert "not reachable yet" not in result.stderr
        assert "check that the database runs" not in result.stderr
        line = [text for text in result.stderr.splitlines() if "DATABASE_URL" in text]
        assert line and "Traceback" not in result.stderr, result.stderr
        assert line[0].endswith(
            f"DATABASE_URL: the database file {database} is read-only for user nobody: chown "
            f"nobody {database} && chmod 600 {database}, or point DATABASE_URL at a folder this "
            "user can write"
        ), line


def test_a_refused_postgresql_login_is_not_retried(postgres_url: str) -> None:
    url = make_url(postgres_url).set(username="no_such_role", password="Tr0ub4dor&3")
    env = {
        **SLACK_SETTINGS,
        "DATABASE_URL": url.render_as_string(hide_password=False),
        "DATABASE_WAIT": "60s",
    }
    for command in (["migrate"], ["run", "--http"]):
        result = run_cli(*command, env=env)
        assert result.returncode == 2, result.stderr
        assert "not reachable yet" not in result.stderr
        assert "Tr0ub4dor" not in result.stderr + result.stdout
        line = last_line(result)
        assert "refused the login" in line and 'role "no_such_role" does not exist' in line
        assert line.endswith(
            "not retried, as waiting will not change it: check the user name and password in "
            "DATABASE_URL (percent-encode @ # / in them: %40 %23 %2F)"
        ), line


class PasswordRefusingServer(socketserver.ThreadingTCPServer):
    """Speaks just enough of PostgreSQL's protocol to ask for a password and refuse it, as a
    server with a wrong password in DATABASE_URL does (28P01)."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _RefusePassword)


class _RefusePassword(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        sock = self.request
        while True:
            length = struct.unpack("!i", _read(sock, 4))[0]
            body = _read(sock, length - 4)
            code = struct.unpack("!i", body[:4])[0]
            if code in (80877103, 80877104):  # SSLRequest, GSSENCRequest: not here
                sock.sendall(b"N")
                continue
            break
        sock.sendall(b"R" + struct.pack("!ii", 8, 3))  # AuthenticationCleartextPassword
        _read(sock, 1)
        _read(sock, struct.unpack("!i", _read(sock, 4))[0] - 4)
        fields = b"".join(
            key + value.encode() + b"\0"
            for key, value in (
                (b"S", "FATAL"),
                (b"V", "FATAL"),
                (b"C", "28P01"),
                (b"M", 'password authentication failed for user "desk"'),
            )
        )
        sock.sendall(b"E" + struct.pack("!i", len(fields) + 5) + fields + b"\0")


def _read(sock: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            raise ConnectionError("client went away")
        data += chunk
    return data


def test_a_wrong_postgresql_password_is_said_at_once_and_never_shown() -> None:
    with PasswordRefusingServer() as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        port = server.server_address[1]
        env = {
            **SLACK_SETTINGS,
            "DATABASE_URL": f"postgresql://desk:Wr0ng-Passw0rd@127.0.0.1:{port}/desk",
            "DATABASE_WAIT": "60s",
        }
        try:
            result = run_cli("run", "--http", env=env)
        finally:
            server.shutdown()
    assert result.returncode == 2, result.stderr
    assert "not reachable yet" not in result.stderr
    assert "Wr0ng" not in result.stderr + result.stdout
    assert last_line(result) == (
        f"harassment-desk: DATABASE_URL: postgresql+psycopg://desk:***@127.0.0.1:{port}/desk "
        "refused the login (OperationalError: connection failed: connection to server at "
        f'"127.0.0.1", port {port} failed: FATAL:  password authentication failed for user '
        '"desk"); not retried, as waiting will not change it: check the user name and password '
        "in DATABASE_URL (percent-encode @ # / in them: %40 %23 %2F)"
    )


def test_the_systemd_unit_restarts_exit_75_with_a_back_off_and_not_exit_2() -> None:
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str  # type: ignore[assignment,method-assign]
    unit.read(PROJECT_ROOT / "deploy" / "harassment-desk.service")
    service = unit["Service"]
    assert service["Restart"] == "on-failure"  # any non-zero status, 75 included
    assert service["RestartPreventExitStatus"].split() == ["2"]
    assert service["RestartSec"] == "5"
    assert (service["RestartSteps"], service["RestartMaxDelaySec"]) == ("10", "5min")
