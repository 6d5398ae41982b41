"""The *Open case* click (sealed mode): p50/p99 from the signed block_actions request leaving
the client until the app's views.open reaches Slack (the stand-in), at concurrency 1 and 20.

Each click reads the case, its timeline, conversation, evidence and register link, writes its
hash-chained access row (PostgreSQL: under the chain's advisory lock; SQLite: the write lock)
and opens the modal. Goal: p99 under 500 ms, well inside Slack's 3 s trigger.

`python -m bench.open_case [--quick] [--database-url postgresql+psycopg://…/postgres]`
"""

from __future__ import annotations

import argparse
import json
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

from bench import procs
from bench.conversation import Arrivals, Relays
from bench.data import database
from bot.access import ids
from bot.report.modals import FormMetadata
from bot.standin import SlackRequestSender, SlackStandIn
from tests.harness import (
    DESK_CHANNEL,
    DESK_STAFF,
    SIGNING_SECRET,
    base_env,
    free_port,
    populate_workspace,
    report_values,
)

CONCURRENCY = (1, 20)
CASES = 20


def opened_trigger(call: Any) -> list[str]:
    """The trigger of a views.open that Slack took."""
    if call.method == "views.open" and call.status == 200:
        return [str(call.args.get("trigger_id"))]
    return []


def watch_opened(slack: SlackStandIn) -> Arrivals:
    """`wait(trigger)` -> when views.open with that trigger reached Slack."""
    return Arrivals(slack, opened_trigger)


def _clicks(
    sender: SlackRequestSender, cases: list[tuple[str, str]], total: int, concurrency: int,
    opened: Arrivals,
) -> Relays:  # fmt: skip
    latencies: list[float] = []
    lost = 0
    lock = threading.Lock()
    counter = iter(range(total))

    def worker(slot: int) -> None:
        nonlocal lost
        while True:
            with lock:
                index = next(counter, None)
            if index is None:
                return
            case_id, ts = cases[index % len(cases)]
            payload = sender.block_actions(
                ids.OPEN_CASE_ACTION,
                value=case_id,
                user_id=DESK_STAFF[slot % 2],
                channel_id=DESK_CHANNEL,
                message_ts=ts,
            )
            started = time.time()
            sender.interaction(payload)
            arrived = opened.wait(str(payload["trigger_id"]))
            with lock:
                if arrived is None:
                    lost += 1
                else:
                    latencies.append(max(0.0, arrived - started))

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Relays(latencies, lost)


def open_case_latency(server_url: str | None, folder: Path, total: int) -> dict[int, Relays]:
    results: dict[int, Relays] = {}
    with SlackStandIn(trigger_ttl=600) as slack, database(server_url, folder, "open") as url:
        populate_workspace(slack)
        env = base_env(slack, url, CASE_CONTENT_IN_SLACK="sealed")
        app = procs.ours(env, free_port())
        app.start()
        opened = watch_opened(slack)
        try:
            sender = SlackRequestSender(app.url, SIGNING_SECRET, standin=slack)
            sender.command("/harassment", user_id=DESK_STAFF[0])
            form = slack.wait_for(lambda: slack.calls_to("views.open"))[-1].response["view"]
            for i in range(CASES):
                payload = sender.view_submission(
                    {**form, "id": f"VO{uuid.uuid4().hex[:10].upper()}",
                     "private_metadata": FormMetadata(uuid.uuid4().hex, "ja").encode()},
                    report_values(identity="named", narrative=f"bench case {i} " * 40),
                    DESK_STAFF[i % 2],
                )  # fmt: skip
                sender.interaction(payload)
            posted = slack.wait_for(
                lambda: [m for m in slack.messages(DESK_CHANNEL) if ids.OPEN_CASE_ACTION in
                         json.dumps(m)] if len(slack.messages(DESK_CHANNEL)) >= CASES else None,
                timeout=120,
            )  # fmt: skip
            cases = [(_case_id(m), str(m["ts"])) for m in posted]
            _clicks(sender, cases, 20, 2, opened)  # warm-up
            for concurrency in CONCURRENCY:
                results[concurrency] = _clicks(sender, cases, total, concurrency, opened)
            sender.close()
        finally:
            opened.close()
            app.stop()
    return results


def _case_id(message: dict[str, object]) -> str:
    for block in message.get("blocks", []):  # type: ignore[attr-defined]
        for element in block.get("elements", []) if block.get("type") == "actions" else []:
            if element.get("action_id") == ids.OPEN_CASE_ACTION:
                return str(element["value"])
    raise ValueError("no Open case button")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.open_case")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--database-url", help="a PostgreSQL server URL (a database is made)")
    args = parser.parse_args(argv)
    total = 200 if args.quick else 1000
    with tempfile.TemporaryDirectory() as folder:
        for label, url in (("sqlite", None), ("postgres", args.database_url)):
            if label == "postgres" and url is None:
                continue
            results = open_case_latency(url, Path(folder), total)
            print(f"Open case, views.open reached Slack (ms), {label}")
            for concurrency, clicks in results.items():
                lost = f"  ({clicks.lost} not opened within 30 s)" if clicks.lost else ""
                p50, p99 = clicks.percentile(50), clicks.percentile(99)
                n = len(clicks.latencies)
                print(
                    f"  concurrency {concurrency:>3}  p50 {p50:7.1f}  p99 {p99:7.1f}  n={n}{lost}"
                )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
