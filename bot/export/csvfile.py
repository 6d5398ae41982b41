"""The export's CSV (pure): one row per case, UTF-8 with a BOM so Excel reads Japanese correctly.

The builder takes rows already reduced to what may leave the app: the reporter appears only when
the reporter chose to be named (never an anonymous reporter's id), and the narrative only when the
caller asked for it and is allowed to (`--with-text`, desk leads only).
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

BOM = "\ufeff"
COLUMNS: tuple[str, ...] = (
    "reference",
    "reported_at",
    "occurred_at",
    "acknowledged_at",
    "resolved_at",
    "status",
    "in_danger",
    "categories",
    "location",
    "channel",
    "customer_type",
    "customer",
    "outcome",
    "hours_to_acknowledge",
    "hours_to_resolve",
    "desk_hours_to_acknowledge",
    "desk_hours_to_resolve",
    "sla_breached",
    "checkins",
    "reporter",
    "cooperation_requests",
)
TEXT_COLUMNS: tuple[str, ...] = ("narrative", "demands", "cooperation_text")
# A spreadsheet runs a cell starting with one of these as a formula (CSV injection): quote it.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class ExportRow:
    reference: str
    reported_at: str
    occurred_at: str
    acknowledged_at: str
    resolved_at: str
    status: str
    in_danger: bool
    categories: Sequence[str]
    location: str
    channel: str
    customer_type: str
    customer: str
    outcome: str
    hours_to_acknowledge: float | None
    hours_to_resolve: float | None
    desk_hours_to_acknowledge: float | None
    desk_hours_to_resolve: float | None
    sla_breached: bool
    checkins: Sequence[str]
    reporter: str = ""  # a named reporter's Slack id; empty for anonymous reporters
    narrative: str = ""
    demands: str = ""
    # Cooperation requests (Art. 33(3)) of the case: "made 2026-12-01 Company" per request;
    # with text, what was asked and answered.
    cooperation: Sequence[str] = ()
    cooperation_text: Sequence[str] = ()


def _hours(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def _safe(value: str) -> str:
    """Quote a cell a spreadsheet would run. Spreadsheets skip leading blanks and line breaks
    and read full-width ＝＋－＠ as their ASCII forms, so the check looks past both."""
    start = unicodedata.normalize("NFKC", value).lstrip(" \n\v\f\u3000\u00a0")
    return "'" + value if start.startswith(_FORMULA_START) else value


def _cells(row: ExportRow, with_text: bool) -> list[str]:
    cells = [
        row.reference,
        row.reported_at,
        row.occurred_at,
        row.acknowledged_at,
        row.resolved_at,
        row.status,
        "yes" if row.in_danger else "no",
        "; ".join(row.categories),
        row.location,
        row.channel,
        row.customer_type,
        row.customer,
        row.outcome,
        _hours(row.hours_to_acknowledge),
        _hours(row.hours_to_resolve),
        _hours(row.desk_hours_to_acknowledge),
        _hours(row.desk_hours_to_resolve),
        "yes" if row.sla_breached else "no",
        "; ".join(row.checkins),
        row.reporter,
        "; ".join(row.cooperation),
    ]
    if with_text:
        cells += [row.narrative, row.demands, "\n".join(row.cooperation_text)]
    return [_safe(cell) for cell in cells]


def build_csv(rows: Iterable[ExportRow], *, with_text: bool = False, note: str = "") -> bytes:
    """The whole file as bytes. `note` (e.g. "no cases in this range") follows the header row."""
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([*COLUMNS, *(TEXT_COLUMNS if with_text else ())])
    count = 0
    for row in rows:
        writer.writerow(_cells(row, with_text))
        count += 1
    if count == 0 and note:
        writer.writerow([_safe(note)])
    return buffer.getvalue().encode("utf-8")
