"""The export opens in LibreOffice (headless) with Japanese intact: CSV -> xlsx -> CSV round trip.

LibreOffice 7.4's headless import does not read the BOM by itself (it takes the text as
Latin-1); told the file is UTF-8 (`CSV:44,34,76,1`, as a person picks in the import dialog), it
reads every cell back exactly. Excel reads the BOM. Skipped where `soffice` is not installed.
"""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.deskhours.hours import DeskHours
from bot.export.labels import Labels
from bot.export.service import build_export, parse_range
from bot.guidance import load_guidance
from storage.models import CaseStatus
from tests.insight.support import add_case, database

SOFFICE = shutil.which("soffice")


def soffice(args: list[str], profile: Path) -> None:
    assert SOFFICE is not None
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", *args],
        check=True,
        capture_output=True,
        timeout=180,
    )


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_the_csv_survives_libreoffice_with_japanese_intact(sqlite_url: str, tmp_path: Path) -> None:
    created = datetime(2026, 11, 5, 1, 0, tzinfo=UTC)
    with database(sqlite_url) as (_engine, sessions):
        with sessions.begin() as session:
            add_case(
                session,
                created,
                location="渋谷店(ｼﾌﾞﾔ)",
                categories=["mental", "apology"],
                status=CaseStatus.RESOLVED,
                acknowledged_at=created + timedelta(minutes=12),
                resolved_at=created + timedelta(days=1),
                resolution="banned",
            )
            add_case(session, created + timedelta(days=2), location="コールセンター, 大阪")
        with sessions() as session:
            export = build_export(
                session,
                parse_range("2026-11", created.date()),
                hours=DeskHours(),
                labels=Labels("ja", load_guidance().category_label),
                with_text=True,
            )
    source = tmp_path / export.filename
    source.write_bytes(export.content)
    profile = tmp_path / "profile"
    soffice(
        [
            "--infilter=CSV:44,34,76,1",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(tmp_path / "x"),
            str(source),
        ],
        profile,
    )
    xlsx = tmp_path / "x" / (source.stem + ".xlsx")
    assert xlsx.stat().st_size > 0
    soffice(
        [
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76",
            "--outdir",
            str(tmp_path / "back"),
            str(xlsx),
        ],
        profile,
    )
    back = (tmp_path / "back" / (source.stem + ".csv")).read_text(encoding="utf-8")
    original = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    again = list(csv.reader(io.StringIO(back)))
    assert again[0] == original[0]  # the BOM did not leak into the first header
    assert again[1][original[0].index("location")] == "渋谷店(ｼﾌﾞﾔ)"
    assert again[2][original[0].index("location")] == "コールセンター, 大阪"
    assert "精神的な攻撃" in again[1][original[0].index("categories")]
    assert again[1][original[0].index("narrative")] == "「土下座しろ」と怒鳴られた"
