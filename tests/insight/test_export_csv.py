"""The export CSV: BOM, the documented columns, no narrative unless asked, no formula cells."""

from __future__ import annotations

import csv
import io

import pytest

from bot.export.csvfile import BOM, COLUMNS, TEXT_COLUMNS, ExportRow, build_csv


def row(**changes: object) -> ExportRow:
    base: dict[str, object] = {
        "reference": "CH-2026-0001",
        "reported_at": "2026-11-02T10:00:00+09:00",
        "occurred_at": "2026-11-02T09:30:00+09:00",
        "acknowledged_at": "",
        "resolved_at": "",
        "status": "新規",
        "in_danger": False,
        "categories": ["精神的な攻撃", "威圧的な言動"],
        "location": "渋谷店",
        "channel": "対面",
        "customer_type": "顧客・利用者",
        "customer": "ヤマダ様",
        "outcome": "",
        "hours_to_acknowledge": None,
        "hours_to_resolve": None,
        "desk_hours_to_acknowledge": None,
        "desk_hours_to_resolve": None,
        "sla_breached": False,
        "checkins": ["ok"],
        "narrative": "「土下座しろ」と言われた",
        "demands": "謝罪",
    }
    base.update(changes)
    return ExportRow(**base)  # type: ignore[arg-type]


def read(data: bytes) -> list[list[str]]:
    assert data.startswith(BOM.encode("utf-8"))
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_header_and_row_in_utf8_with_bom() -> None:
    rows = read(build_csv([row(hours_to_acknowledge=0.5)]))
    assert rows[0] == list(COLUMNS)
    record = dict(zip(rows[0], rows[1], strict=True))
    assert record["location"] == "渋谷店"
    assert record["categories"] == "精神的な攻撃; 威圧的な言動"
    assert record["hours_to_acknowledge"] == "0.50"
    assert record["hours_to_resolve"] == ""
    assert "narrative" not in record


def test_narrative_only_with_text() -> None:
    rows = read(build_csv([row()], with_text=True))
    assert rows[0] == [*COLUMNS, *TEXT_COLUMNS]
    assert dict(zip(rows[0], rows[1], strict=True))["narrative"] == "「土下座しろ」と言われた"
    plain = build_csv([row()]).decode("utf-8-sig")
    assert "土下座" not in plain


def test_no_cases_gives_the_header_and_a_note() -> None:
    rows = read(build_csv([], note="この期間の相談はありません"))
    assert rows == [list(COLUMNS), ["この期間の相談はありません"]]


def test_cells_that_a_spreadsheet_would_run_as_formulas_are_defused() -> None:
    rows = read(build_csv([row(customer='=HYPERLINK("http://x")', location="+81")]))
    record = dict(zip(rows[0], rows[1], strict=True))
    assert record["customer"].startswith("'=")
    assert record["location"] == "'+81"


@pytest.mark.parametrize(
    "cell",
    [
        '＝HYPERLINK("http://x")',
        "＋81",
        "－1+1",
        "＠SUM(A1)",
        " =1+1",
        "\n=1+1",
        "\u3000＝1",
        "\r\n-2",
    ],
)
def test_formula_starters_are_defused_after_normalisation_and_leading_blanks(cell: str) -> None:
    rows = read(
        build_csv([row(customer=cell, location=cell, narrative=cell, demands=cell)], with_text=True)
    )
    record = dict(zip(rows[0], rows[1], strict=True))
    for column in ("customer", "location", "narrative", "demands"):
        assert record[column] == "'" + cell, column
