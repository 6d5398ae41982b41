"""Export and monthly-report timings: `python -m bench.insight [--cases N]`.

Seeds N synthetic cases over the last 12 months (locations, categories, check-in answers, a mix
of open and closed), then times, on one core of the machine:
- the export of all of them to CSV (query, desk-hours arithmetic, CSV with BOM) under
  business hours with Japanese holidays (the slower calendar);
- the monthly report for the newest full month: figures and post from the database, and the
  12-month PNG chart.
Goal: each under 5 s on 2 cores. `--chart FILE` also writes the chart (the example in docs/).
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from bench.data import database
from bot.deskhours.hours import DeskHours, parse_timezone
from bot.export.labels import Labels
from bot.export.service import MonthRange, build_export
from bot.guidance import load_guidance
from bot.stats.figures import Month
from bot.stats.messages import report_message
from bot.stats.service import month_chart, month_figures
from storage.db import make_engine, migrate
from tests.harness import keyed_sessions
from tests.insight.support import seed_synthetic

OFFICE = DeskHours(9, 18, frozenset(range(5)), parse_timezone("Asia/Tokyo"), "jp")
END = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)  # 1 Dec 2026 00:00 in Tokyo
REPEATS = 3


def timed(run: Callable[[], object]) -> tuple[float, object]:
    """Median seconds of REPEATS runs, and the last result."""
    timings, result = [], None
    for _ in range(REPEATS):
        gc.collect()
        start = time.perf_counter()
        result = run()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings), result


def run(server_url: str | None, cases: int, chart: Path | None) -> dict[str, float | int]:
    folder = Path(tempfile.mkdtemp(prefix="hd-bench-insight-"))
    labels = Labels("ja", load_guidance().category_label)
    with database(server_url, folder, "insight") as url:
        engine = make_engine(url)
        migrate(engine)
        seed_synthetic(engine, cases, end=END)
        sessions = keyed_sessions(engine)
        year = MonthRange(Month(2025, 12), Month(2026, 11))
        month = Month(2026, 11)

        def export() -> object:
            with sessions() as session:
                return build_export(session, year, hours=OFFICE, labels=labels, with_text=False)

        def report() -> object:
            with sessions() as session:
                figures = month_figures(session, month, hours=OFFICE)
                report_message(figures, labels)
                return month_chart(session, month, hours=OFFICE, labels=labels)

        export_s, exported = timed(export)
        report_s, png = timed(report)
        engine.dispose()
    assert isinstance(png, bytes)
    if chart is not None:
        chart.parent.mkdir(parents=True, exist_ok=True)
        chart.write_bytes(png)
    rows = getattr(exported, "count", 0)
    size = len(getattr(exported, "content", b""))
    return {
        "cases": cases,
        "export_rows": rows,
        "export_bytes": size,
        "export_s": round(export_s, 2),
        "report_s": round(report_s, 2),
        "chart_bytes": len(png),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.insight", description=__doc__)
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--database-url", help="a PostgreSQL server URL; default: SQLite")
    parser.add_argument("--chart", type=Path, help="also write the report's chart here")
    args = parser.parse_args(argv)
    figures = run(args.database_url, args.cases, args.chart)
    backend = "postgresql" if args.database_url else "sqlite"
    print(f"export: {figures['export_rows']} cases ({figures['export_bytes']} bytes of CSV) in "
          f"{figures['export_s']:.2f} s; monthly report (figures, post, 12-month chart): "
          f"{figures['report_s']:.2f} s; {backend}, median of {REPEATS}")  # fmt: skip
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
