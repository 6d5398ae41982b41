"""`harassment-desk export --from --to --out FILE` for HR systems, as an operator runs it."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from storage.models import CaseEvent
from tests.harness import PROJECT_ROOT
from tests.insight.support import add_case, database

ENV = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "DESK_CHANNEL_ID": "C0123ABCD"}


def run(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "export", *args],
        cwd=PROJECT_ROOT,
        env={**ENV, "DATABASE_URL": url, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_command_line_export_writes_the_csv_and_is_audited(
    sqlite_url: str, tmp_path: Path
) -> None:
    with database(sqlite_url) as (_engine, sessions):
        with sessions.begin() as session:
            add_case(session, datetime(2026, 10, 3, 2, 0, tzinfo=UTC), location="新宿店")
            add_case(session, datetime(2026, 11, 3, 2, 0, tzinfo=UTC), location="渋谷店")
        out = tmp_path / "cases.csv"
        done = run(sqlite_url, "--from", "2026-10", "--to", "2026-11", "--out", str(out))
        assert done.returncode == 0, done.stderr
        assert "wrote 2 cases (2026-10..2026-11)" in done.stderr
        rows = list(csv.DictReader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
        assert [r["location"] for r in rows] == ["新宿店", "渋谷店"]
        with sessions() as session:
            audit = session.scalars(select(CaseEvent).where(CaseEvent.action == "export")).all()
        assert [(a.actor_user_id, a.after) for a in audit] == [
            ("cli", {"range": "2026-10..2026-11", "with_text": False, "count": 2})
        ]
        bad = run(sqlite_url, "--from", "2026-13", "--out", str(out))
        assert bad.returncode == 2 and "/harassment export 2026-11" in bad.stderr
        reversed_range = run(sqlite_url, "--from", "2026-11", "--to", "2026-09", "--out", "-")
        assert reversed_range.returncode == 2 and "backwards" in reversed_range.stderr
