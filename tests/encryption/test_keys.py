"""Where the key comes from, what a wrong, missing, short or exposed key does (one line, exit 2),
and `keys rotate`: every case readable with the new key, the old one refused, resumable."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.keys import INDEX_LABEL
from bot.standin import SlackStandIn
from storage.crypto import Kek, key_text, new_data_key, parse_key_text
from storage.db import make_engine
from storage.models import Case
from storage.repositories import keys as keys_repo
from tests.desk_support import report
from tests.encryption.support import wait_delivered
from tests.harness import PROJECT_ROOT, AppHarness, base_env, same_clock

WRONG_KEY = "CASE_KEY_FILE does not open the cases in this database"


def cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env={**env, "PATH": "/usr/bin:/bin", **same_clock()},
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def write_key(path: Path, raw: bytes | None = None, mode: int = 0o600) -> Kek:
    raw = raw or new_data_key()
    path.write_text(key_text(raw), encoding="ascii")
    path.chmod(mode)
    return Kek(raw)


def file_env(slack: SlackStandIn, url: str, key_file: Path | None) -> dict[str, str]:
    """The harness's settings with the key in a file (or, with None, no key setting at all)."""
    env = base_env(slack, url, CASE_KEY="")
    if key_file is not None:
        env["CASE_KEY_FILE"] = str(key_file)
    return env


def one_line(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 2, (done.stdout, done.stderr)
    lines = [line for line in done.stderr.splitlines() if line.startswith("harassment-desk:")]
    assert len(lines) == 1, done.stderr
    return lines[0]


def test_a_fresh_sqlite_install_makes_its_key_file_and_says_to_back_it_up(
    slack: SlackStandIn, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'desk.db'}"
    done = cli(file_env(slack, url, None), "migrate")
    assert done.returncode == 0, done.stderr
    key_file = tmp_path / "desk.db.key"
    assert (key_file.stat().st_mode & 0o777) == 0o600
    assert len(parse_key_text(key_file.read_text())) == 32
    assert "back it up now, apart from the database" in done.stderr
    # Once: the next start finds the file and says nothing of it.
    again = cli(file_env(slack, url, None), "migrate")
    assert again.returncode == 0 and "back it up" not in again.stderr

    # Bad inputs, each one line and exit 2.
    key_file.chmod(0o644)
    assert "can be read by others (mode 644): chmod 600" in one_line(
        cli(file_env(slack, url, None), "migrate")
    )
    key_file.chmod(0o600)
    text = key_file.read_text()
    key_file.write_text(text[:20])
    assert "restore the key file from its backup" in one_line(
        cli(file_env(slack, url, None), "migrate")
    )
    key_file.unlink()
    assert "is missing and this database holds encrypted cases" in one_line(
        cli(file_env(slack, url, None), "migrate")
    )
    other = tmp_path / "other.key"
    write_key(other)
    assert WRONG_KEY in one_line(cli(file_env(slack, url, other), "migrate"))


def test_postgresql_without_a_key_is_one_line(slack: SlackStandIn) -> None:
    env = file_env(slack, "postgresql+psycopg://postgres@127.0.0.1:1/none", None)
    done = cli(env, "migrate")
    assert done.returncode == 2
    assert "CASE_KEY_FILE is not set: a PostgreSQL deployment must be given the key" in (
        done.stderr
    )


def test_rotation_rewraps_every_key_resumably_and_retires_the_old_one(
    slack: SlackStandIn, database_url: str, tmp_path: Path
) -> None:
    old_file, new_file = tmp_path / "old.key", tmp_path / "new.key"
    old = write_key(old_file)
    env = file_env(slack, database_url, old_file)
    overrides = {"CASE_KEY": "", "CASE_KEY_FILE": str(old_file)}
    with AppHarness(slack, database_url, env_overrides=overrides) as app:
        references = {report(app, narrative=f"MKrotate{n}").id: f"MKrotate{n}" for n in range(3)}
        wait_delivered(app)
    new = write_key(new_file)

    # An earlier run stopped after rewrapping one key: this one finishes the job.
    engine = make_engine(database_url)
    try:
        with Session(engine) as s, s.begin():
            state = keys_repo.state(s)
            assert state is not None
            state.rotating_to = new.key_id
            [first] = keys_repo.not_wrapped_by(s, new.key_id, 1)
            label = f"{first.subject}:{first.subject_id}"
            keys_repo.rewrap(
                s, first, new.wrap(old.unwrap(first.wrapped, label), label), new.key_id
            )
    finally:
        engine.dispose()
    assert "keys rotate did not finish" in one_line(cli(env, "migrate"))

    done = cli(env, "keys", "rotate", "--new-key-file", str(new_file))
    assert done.returncode == 0, done.stderr
    assert "data keys: set CASE_KEY_FILE=" in done.stdout
    again = cli(env, "keys", "rotate", "--new-key-file", str(new_file))
    assert again.returncode == 0 and "rewrapped 0 of" in again.stdout

    assert WRONG_KEY in one_line(cli(env, "migrate"))
    new_env = file_env(slack, database_url, new_file)
    assert cli(new_env, "migrate").returncode == 0
    overrides["CASE_KEY_FILE"] = str(new_file)
    with AppHarness(slack, database_url, env_overrides=overrides) as app:
        with app.deps.sessions() as s:
            narratives = {case.id: case.narrative for case in s.scalars(select(Case))}
        with app.deps.sessions() as s:
            state = keys_repo.state(s)
            assert state is not None and state.kek_id == new.key_id
            assert len(new.unwrap(state.index_secret, INDEX_LABEL)) == 32
    assert narratives == references
    assert os.stat(new_file).st_mode & 0o077 == 0
