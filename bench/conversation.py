"""Relay latency of the case conversation, p50/p99 at concurrency 1 and 10:

- reporter -> desk: a signed `message.im` event (a reply in the receipt's DM thread) until the
  app's chat.postMessage of the relay reaches Slack (the stand-in) in the case thread;
- desk -> reporter: the signed submit of the "Message the reporter" modal until the app's
  chat.postMessage reaches the reporter's DM thread.

Each sender thread sends one message and waits for its own relay before the next one, so the
figure is the whole path: HTTP in, store, ack, outbox kick, render, Slack call.
"""

from __future__ import annotations

import json
import re
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from bench import procs
from bench.data import database
from bot.conversation import ids
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

CONCURRENCY = (1, 10)
TOKEN = re.compile(r"bench-[0-9a-f]{12}")


@dataclass(frozen=True)
class RelaySizes:
    reporters: int
    messages: dict[int, int]  # concurrency -> messages per direction


FULL = RelaySizes(reporters=10, messages={1: 100, 10: 500})
QUICK = RelaySizes(reporters=10, messages={1: 20, 10: 100})


def relayed_tokens(call: Any) -> list[str]:
    """The relay tokens a delivered chat.postMessage carried."""
    if call.method == "chat.postMessage" and call.status == 200:
        return list(TOKEN.findall(json.dumps(call.args)))
    return []


class Arrivals:
    """Watches the stand-in's recorded calls for the keys `keys_of` finds in each (by default
    the relay tokens of posts); `wait(key)` -> when the first call carrying it reached Slack."""

    def __init__(
        self, slack: SlackStandIn, keys_of: Callable[[Any], list[str]] = relayed_tokens
    ) -> None:
        self._slack = slack
        self._keys_of = keys_of
        self._seen: dict[str, float] = {}
        self._offset = 0
        self._cond = threading.Condition()
        self._stop = False
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def _watch(self) -> None:
        while not self._stop:
            calls = self._slack.calls
            fresh, self._offset = calls[self._offset :], len(calls)
            found: dict[str, float] = {}
            for call in fresh:
                for token in self._keys_of(call):
                    found.setdefault(token, call.time)
            if found:
                with self._cond:
                    for token, when in found.items():
                        self._seen.setdefault(token, when)
                    self._cond.notify_all()
            time.sleep(0.002)

    def wait(self, token: str, timeout: float = 30) -> float | None:
        deadline = time.time() + timeout
        with self._cond:
            while token not in self._seen:
                left = deadline - time.time()
                if left <= 0:
                    return None
                self._cond.wait(left)
            return self._seen[token]

    def close(self) -> None:
        self._stop = True
        self._thread.join(timeout=2)


@dataclass(frozen=True)
class Relays:
    latencies: list[float]
    lost: int

    def percentile(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        rank = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
        return ordered[rank] * 1000


def _run(
    total: int, concurrency: int, send_one: Callable[[int, str], None], arrivals: Arrivals
) -> Relays:
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
            token = f"bench-{uuid.uuid4().hex[:12]}"
            started = time.time()
            send_one(slot, token)
            arrived = arrivals.wait(token)
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


def relay_latency(
    server_url: str | None, folder: Path, sizes: RelaySizes
) -> dict[str, dict[int, Relays]]:
    """Both directions at each concurrency; reporters/cases are set up first."""
    results: dict[str, dict[int, Relays]] = {"to_desk": {}, "to_reporter": {}}
    with SlackStandIn(trigger_ttl=600) as slack, database(server_url, folder, "relay") as url:
        populate_workspace(slack)
        reporters = [f"U0BENCH{i:03d}" for i in range(sizes.reporters)]
        for user in reporters:
            slack.add_user(user, user.lower(), locale="ja-JP")
        app = procs.ours(base_env(slack, url), free_port())
        app.start()
        arrivals = Arrivals(slack)
        try:
            sender = SlackRequestSender(app.url, SIGNING_SECRET, standin=slack)
            sender.command("/harassment", user_id=reporters[0])
            form = slack.wait_for(lambda: slack.calls_to("views.open"))[-1].response["view"]
            for user in reporters:
                payload = sender.view_submission(
                    {**form, "id": f"VR{uuid.uuid4().hex[:10].upper()}",
                     "private_metadata": FormMetadata(uuid.uuid4().hex, "ja").encode()},
                    report_values(identity="anonymous"),
                    user,
                )  # fmt: skip
                sender.interaction(payload)

            def receipt_of(user: str) -> str:
                def find() -> list[dict[str, Any]]:
                    return [m for m in slack.dms(user) if "conv_receipt" in json.dumps(m)]

                return str(slack.wait_for(find, timeout=60)[0]["ts"])

            receipts = {user: receipt_of(user) for user in reporters}
            slack.wait_for(lambda: len(slack.messages(DESK_CHANNEL)) >= len(reporters), 60)
            cases = case_ids(url, reporters)

            def to_desk(slot: int, token: str) -> None:
                user = reporters[slot % len(reporters)]
                message = slack.post_user_message(
                    user, f"相談です {token}", thread_ts=receipts[user]
                )
                sender.event(sender.dm_event(message))

            modal = {"type": "modal", "callback_id": ids.MESSAGE_VIEW, "blocks": []}

            def to_reporter(slot: int, token: str) -> None:
                user = reporters[slot % len(reporters)]
                view = {**modal, "private_metadata": json.dumps({"case_id": cases[user]})}
                payload = sender.view_submission(view, {}, DESK_STAFF[slot % 2])
                payload["view"]["state"]["values"] = {
                    ids.TEXT_BLOCK: {ids.TEXT_INPUT: {"type": "plain_text_input",
                                                     "value": f"窓口より {token}"}}
                }  # fmt: skip
                sender.send(
                    urlencode({"payload": json.dumps(payload, ensure_ascii=False)}),
                    "application/x-www-form-urlencoded",
                )

            _run(10, 2, to_desk, arrivals)  # warm-up
            _run(10, 2, to_reporter, arrivals)
            for concurrency in CONCURRENCY:
                total = sizes.messages[concurrency]
                results["to_desk"][concurrency] = _run(total, concurrency, to_desk, arrivals)
                results["to_reporter"][concurrency] = _run(
                    total, concurrency, to_reporter, arrivals
                )
            sender.close()
        finally:
            arrivals.close()
            app.stop()
    return results


def case_ids(url: str, reporters: list[str]) -> dict[str, int]:
    from sqlalchemy import select

    from storage.db import make_engine
    from storage.models import Case

    engine = make_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(select(Case.id, Case.reporter_user_id)).all()
    engine.dispose()
    found: dict[str, int] = {}
    for case_id, user in rows:
        if user in reporters:
            found.setdefault(user, case_id)
    return found


def report(results: dict[str, dict[int, Relays]]) -> dict[str, Any]:
    """Print the table; returns the summary's figures."""
    print("Conversation relay latency (ms, until the app's post reaches Slack)")
    summary: dict[str, Any] = {}
    for direction, label in (("to_desk", "reporter -> desk"), ("to_reporter", "desk -> reporter")):
        for concurrency, relays in results[direction].items():
            p50, p99 = relays.percentile(50), relays.percentile(99)
            lost = f"  ({relays.lost} not relayed within 30 s)" if relays.lost else ""
            print(f"{label:<18}{concurrency:>5}  p50 {p50:7.1f}  p99 {p99:7.1f}"
                  f"  n={len(relays.latencies)}{lost}")  # fmt: skip
            summary[f"{direction}_c{concurrency}"] = {"p50": round(p50, 1), "p99": round(p99, 1)}
    return summary
