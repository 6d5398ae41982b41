"""`harassment-desk export --from --to --out FILE` for HR systems, as an operator runs it."""

from __future__ import annotations

import csv
import io
import stat
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select

from storage.models import CaseEvent
from tests.harness import PROJECT_ROOT, TEST_CASE_KEY, same_clock
from tests.insight.support import add_case, database

ENV = {
    "SLACK_BOT_TOKEN": "xoxb-1",
    "SLACK_SIGNING_SECRET": "8f742231b10e8888abcd99yyyzzz85a5",
    "DESK_CHANNEL_ID": "C0123ABCD",
    "CASE_KEY": TEST_CASE_KEY,
}


def run(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "export", *args],
        cwd=PROJECT_ROOT,
        env={**ENV, "DATABASE_URL": url, "PATH": "/usr/bin:/bin", **same_clock()},
        capture_output=True,
        text=True,
        timeout=120,
        umask=0o022,  # a usual login shell's: the CSV's own mode must keep narratives private
    )


def recent_range(moment: datetime) -> list[str]:
    """`--from LAST-MONTH --to THIS-MONTH` in the desk's default time zone: it holds `moment`
    (an hour ago, say) on any date the tests run."""
    local = moment.astimezone(ZoneInfo("Asia/Tokyo"))
    before = local.replace(day=1) - timedelta(days=1)
    return ["--from", f"{before:%Y-%m}", "--to", f"{local:%Y-%m}"]


def one_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, result
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_the_command_line_export_writes_the_csv_and_is_audited(
    sqlite_url: str, tmp_path: Path
) -> None:
    # The two months before this one: the command refuses a range in the future, and the test
    # must hold on whatever day it runs (the command reads the real clock, as the test does).
    this_month = datetime.now(UTC).replace(day=1, hour=2, minute=0, second=0, microsecond=0)
    last = (this_month - timedelta(days=1)).replace(day=3)
    first = (last.replace(day=1) - timedelta(days=1)).replace(day=3)
    span = f"{first:%Y-%m}..{last:%Y-%m}"
    with database(sqlite_url) as (_engine, sessions):
        with sessions.begin() as session:
            add_case(session, first, location="新宿店")
            add_case(session, last, location="渋谷店")
        out = tmp_path / "cases.csv"
        done = run(
            sqlite_url, "--from", f"{first:%Y-%m}", "--to", f"{last:%Y-%m}", "--out", str(out)
        )
        assert done.returncode == 0, done.stderr
        assert f"wrote 2 cases ({span})" in done.stderr
        rows = list(csv.DictReader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
        assert [r["location"] for r in rows] == ["新宿店", "渋谷店"]
        with sessions() as session:
            audit = session.scalars(select(CaseEvent).where(CaseEvent.action == "export")).all()
        assert [(a.actor_user_id, a.after) for a in audit] == [
            ("cli", {"range": span, "with_text": False, "count": 2})
        ]
        bad = run(sqlite_url, "--from", "2026-13", "--out", str(out))
        assert bad.returncode == 2 and "/harassment export 2026-11" in bad.stderr
        reversed_range = run(
            sqlite_url, "--from", f"{last:%Y-%m}", "--to", f"{first:%Y-%m}", "--out", "-"
        )
        assert reversed_range.returncode == 2 and "backwards" in reversed_range.stderr


AN_HOUR_AGO = datetime.now(UTC) - timedelta(hours=1)
RECENT = recent_range(AN_HOUR_AGO)


def test_an_unmigrated_database_is_refused_and_no_database_file_is_made(
    database_url: str, tmp_path: Path
) -> None:
    out = tmp_path / "cases.csv"
    missing = run(database_url, *RECENT, "--out", str(out))
    line = one_line(missing)
    assert line.startswith("harassment-desk: DATABASE_URL: ")
    assert line.endswith("run harassment-desk migrate first, with the same settings")
    assert not out.exists()
    if database_url.startswith("sqlite"):
        assert "there is no database at" in line
        assert not (tmp_path / "desk.db").exists()  # no empty database left behind
        (tmp_path / "desk.db").touch()  # e.g. one an older version left: still not migrated
        again = one_line(run(database_url, *RECENT, "--out", str(out)))
        assert "never migrated" in again and again.endswith("with the same settings")
    else:
        assert "never migrated" in line


def test_an_out_path_that_cannot_be_written_is_one_line_and_not_audited(
    database_url: str, tmp_path: Path
) -> None:
    with database(database_url) as (_engine, sessions):
        with sessions.begin() as session:
            add_case(session, AN_HOUR_AGO)
        line = one_line(run(database_url, *RECENT, "--out", "/nonexistent/x.csv"))
        assert line == (
            "harassment-desk: --out /nonexistent/x.csv: cannot write the file (No such file or "
            "directory): create the folder /nonexistent or choose another --out"
        )
        folder = one_line(run(database_url, *RECENT, "--out", str(tmp_path)))
        assert folder.startswith(f"harassment-desk: --out {tmp_path}: cannot write the file")
        with sessions() as session:
            audit = session.scalars(select(CaseEvent).where(CaseEvent.action == "export")).all()
        assert audit == []  # nothing was exported


def test_a_csv_with_narratives_is_created_private(database_url: str, tmp_path: Path) -> None:
    with database(database_url) as (_engine, sessions):
        with sessions.begin() as session:
            add_case(session, AN_HOUR_AGO)
        private = tmp_path / "with-text.csv"
        done = run(database_url, *RECENT, "--with-text", "--out", str(private))
        assert done.returncode == 0, done.stderr
        assert "土下座" in private.read_text(encoding="utf-8-sig")
        assert stat.S_IMODE(private.stat().st_mode) == 0o600
        # A file already there, readable by others, is made private before it gets narratives.
        existing = tmp_path / "existing.csv"
        existing.write_bytes(b"")
        existing.chmod(0o644)
        again = run(database_url, *RECENT, "--with-text", "--out", str(existing))
        assert again.returncode == 0, again.stderr
        assert stat.S_IMODE(existing.stat().st_mode) == 0o600
        # Without narratives the umask decides (here 022); standard output is unaffected.
        plain = tmp_path / "plain.csv"
        assert run(database_url, *RECENT, "--out", str(plain)).returncode == 0
        assert stat.S_IMODE(plain.stat().st_mode) == 0o644
        piped = run(database_url, *RECENT, "--with-text", "--out", "-")
        assert piped.returncode == 0 and "土下座" in piped.stdout
