"""What encryption at rest costs: `python -m bench.encryption [--reports N] [--cases N]`.

Runs twice, each in its own process: with the case text sealed (as the app always runs) and
with the sealing hooks taken off (`--mode off`, this benchmark's switch only: the app has no
setting to turn encryption off). Each run measures, on SQLite:
- CPU per report: the process's CPU time (user+system, all threads: the app, its deliveries,
  and the in-process Slack stand-in and sender) over N reports filed through the signed HTTP
  path, until every Slack call they cause is made, divided by N;
- export time of 10,000 cases (narratives and the other texts filled in), with and without
  the text columns: CPU seconds of the export (median of 3), as the machine is shared.
Goal: under 10 % more CPU per report, under 20 % slower export.
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import event

REPEATS = 5
END = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)


def encryption_off() -> None:
    """Take every sealing hook off (this process only) and let the outbox store clear JSON."""
    import storage.repositories.outbox as outbox_repo
    from storage.encryption import HOOKS

    for model, name, hook in HOOKS:
        event.remove(model, name, hook)
    outbox_repo.seal_value = lambda *args: args[-1]


def cpu_per_report(folder: Path, reports: int) -> float:
    from bot.standin import SlackStandIn
    from tests.encryption.support import wait_delivered
    from tests.harness import AppHarness, populate_workspace

    with SlackStandIn() as slack:
        populate_workspace(slack)
        with AppHarness(slack, f"sqlite:///{folder / 'reports.db'}") as app:
            view = app.open_report_form()
            app.submit_report(view, {"narrative": "warm-up"})
            wait_delivered(app)
            gc.collect()
            started = time.process_time()
            # Submitted one after another on one form (each its own case: the text differs),
            # then one wait for every delivery: no polling between reports to count.
            for n in range(reports):
                text = f"怒鳴られ続けました {n} " * 20
                values = {"narrative": text, "witnesses": "店長", "wants": "対応"}
                assert app.submit_report(view, values).status == 200
            wait_delivered(app)
            used = time.process_time() - started
    return used * 1000 / reports


def seed(folder: Path, cases: int) -> Any:
    from storage.db import make_engine, migrate
    from storage.models import Case
    from tests.harness import keyed_sessions, test_kek
    from tests.insight.support import case_row

    engine = make_engine(f"sqlite:///{folder / 'export.db'}")
    migrate(engine, test_kek())
    sessions = keyed_sessions(engine)
    span = timedelta(days=360)
    for start in range(0, cases, 1000):
        with sessions.begin() as session:
            for n in range(start, min(cases, start + 1000)):
                created = END - span * (n / cases)
                row = case_row(
                    created,
                    narrative=f"「土下座しろ」と {n} 分間怒鳴られた。" * 5,
                    witnesses="同僚の山田",
                    location="新宿店",
                    customer_text="常連の男性",
                )
                session.add(Case(**row))
    return engine, sessions


def export_seconds(sessions: Any, with_text: bool) -> float:
    from bot.deskhours.hours import DeskHours, parse_timezone
    from bot.export.labels import Labels
    from bot.export.service import MonthRange, build_export
    from bot.guidance import load_guidance
    from bot.stats.figures import Month

    hours = DeskHours(9, 18, frozenset(range(5)), parse_timezone("Asia/Tokyo"), "jp")
    labels = Labels("ja", load_guidance().category_label)
    span = MonthRange(Month(2025, 12), Month(2026, 11))
    timings = []
    for _ in range(REPEATS):
        gc.collect()
        # CPU seconds, not wall time: the machine this runs on is shared, and the export is
        # one thread of pure work (SQLite reads, opening, CSV).
        started = time.process_time()
        with sessions() as session:
            build_export(session, span, hours=hours, labels=labels, with_text=with_text)
        timings.append(time.process_time() - started)
    return statistics.median(timings)


def one_mode(mode: str, reports: int, cases: int) -> dict[str, float]:
    if mode == "off":
        encryption_off()
    folder = Path(tempfile.mkdtemp(prefix=f"hd-bench-enc-{mode}-"))
    figures = {"cpu_ms_per_report": cpu_per_report(folder, reports)}
    engine, sessions = seed(folder, cases)
    figures["export_s"] = export_seconds(sessions, with_text=False)
    figures["export_with_text_s"] = export_seconds(sessions, with_text=True)
    engine.dispose()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=100)
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--mode", choices=("on", "off"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.mode:
        print(json.dumps(one_mode(args.mode, args.reports, args.cases)))
        return
    results = {}
    for mode in ("off", "on"):
        command = [sys.executable, "-m", "bench.encryption", "--mode", mode]
        command += ["--reports", str(args.reports), "--cases", str(args.cases)]
        done = subprocess.run(command, capture_output=True, text=True, check=True)
        results[mode] = json.loads(done.stdout.strip().splitlines()[-1])
    print(f"{'':24}{'off':>10}{'on':>10}{'change':>10}")
    for name in ("cpu_ms_per_report", "export_s", "export_with_text_s"):
        off, on = results["off"][name], results["on"][name]
        print(f"{name:24}{off:10.3f}{on:10.3f}{(on - off) / off:+10.1%}")


if __name__ == "__main__":
    main()
