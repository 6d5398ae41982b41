"""`python -m bench [--quick] [--database-url URL] [--profile DIR]`: ours against bare Bolt.

Three apps run in their own processes (waitress, 8 threads), against the Slack stand-in in this
process, which also fires the signed requests: ours; the durable floor (bare Bolt that stores a
submission with one INSERT in the same database before the ack); and bare Bolt storing nothing.
Printed per database (SQLite, then PostgreSQL when `--database-url` names a server): a table of
ack latencies, CPU time per report against both bare apps making the same Slack calls, then the
scheduler, check-in delivery, memory and start-up figures; last, one JSON line (SQLite's
figures, PostgreSQL's under "postgres").
"""

from __future__ import annotations

import argparse
import copy
import json
import math
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import func, select

from bench import burst, checkins, procs
from bench import conversation as relay
from bench.cpu import CpuSample, measure_cpu
from bench.data import database
from bench.load import LoadResult, run_load
from bench.profile import print_profile
from bench.ticks import tick_ms
from bot.desk.ids import ACKNOWLEDGE_ACTION
from bot.report.modals import FormMetadata
from bot.standin import SenderResponse, SlackRequestSender, SlackStandIn
from storage.db import make_engine
from storage.models import Case, OutboxMessage, OutboxStatus
from tests.harness import (
    DESK_CHANNEL,
    DESK_STAFF,
    REPORTER_EN,
    REPORTER_JA,
    SIGNING_SECRET,
    base_env,
    free_port,
    populate_workspace,
    report_values,
)

SCENARIOS = ("command", "submission", "button")
# Ours, the durable floor (one INSERT before the ack), bare Bolt (nothing stored).
APPS = ("ours", "floor", "baseline")
CONCURRENCY = (1, 20)
REPORTERS = (REPORTER_JA, REPORTER_EN)


@dataclass(frozen=True)
class Sizes:
    warmup: int
    requests: dict[int, int]  # concurrency -> requests measured
    checkins: int
    checkin_people: int
    cpu_reports: int = 200  # the burst whose CPU time (deliveries included) is measured
    limited_reports: int = 200  # the burst with Slack's per-channel limit on, one per person
    limited_wait_s: float = 120.0


FULL = Sizes(warmup=30, requests={1: 200, 20: 1000}, checkins=10_000, checkin_people=2_000)
QUICK = Sizes(
    warmup=10,
    requests={1: 40, 20: 200},
    checkins=1_000,
    checkin_people=200,
    limited_reports=40,
    limited_wait_s=60.0,
)


def payload_body(payload: dict[str, Any]) -> str:
    return urlencode({"payload": json.dumps(payload, ensure_ascii=False)})


class Bodies:
    """Pre-built request bodies (signed at send time), so the client's own work stays small."""

    def __init__(self, sender: SlackRequestSender, slack: SlackStandIn, form: dict[str, Any]):
        self.sender, self.slack, self.form = sender, slack, form

    def commands(self, n: int) -> list[str]:
        # One person per command: a person's second form within a minute is answered privately
        # instead of opened, and the benchmark measures opening the form.
        users = self.people(n, "U0BENCH")
        return [
            urlencode(self.sender.command_payload("/harassment", "", user_id=user))
            for user in users
        ]

    def people(self, n: int, prefix: str) -> list[str]:
        users = [f"{prefix}{i:05d}" for i in range(n)]
        for user in users:
            self.slack.add_user(user, user.lower(), tz="Asia/Tokyo", locale="ja-JP")
        return users

    def submissions(self, n: int, users: Sequence[str] = REPORTERS) -> list[str]:
        bodies = []
        for i in range(n):
            view = copy.deepcopy(self.form)
            view["id"] = f"VB{uuid.uuid4().hex[:10].upper()}"
            view["private_metadata"] = FormMetadata(uuid.uuid4().hex, "en").encode()
            user = users[i % len(users)]
            values = report_values(narrative=f"Benchmark report {i}: the customer shouted.")
            bodies.append(payload_body(self.sender.view_submission(view, values, user)))
        return bodies

    def acknowledge_clicks(self, action_id: str, cases: list[Case]) -> list[str]:
        return [
            payload_body(
                self.sender.block_actions(
                    action_id,
                    value=f"{case.id}:{case.version}",
                    user_id=DESK_STAFF[i % 2],
                    channel_id=DESK_CHANNEL,
                    message_ts=case.desk_message_ts,
                )
            )
            for i, case in enumerate(cases)
        ]


def acked_empty(answer: SenderResponse) -> bool:
    return answer.status == 200


def acked_with_reference(answer: SenderResponse) -> bool:
    return answer.status == 200 and '"response_action": "update"' in answer.text


def measure(
    sender: SlackRequestSender,
    make: Callable[[int], list[str]],
    ok: Callable[[SenderResponse], bool],
    sizes: Sizes,
) -> dict[int, LoadResult]:
    run_load(sender, make(sizes.warmup), 4, ok)
    return {c: run_load(sender, make(sizes.requests[c]), c, ok) for c in CONCURRENCY}


def stored_cases(url: str) -> tuple[list[Any], int]:
    """The cases, and how many outbox rows are not delivered yet."""
    engine = make_engine(url)
    with engine.connect() as connection:
        rows = list(connection.execute(select(Case).order_by(Case.id)))
        undelivered = connection.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.status != OutboxStatus.DONE)
        )
    engine.dispose()
    return rows, int(undelivered or 0)


def wait_until_delivered(url: str, timeout: float = 180) -> list[Any]:
    """Wait for the outbox to drain, so that the next scenario does not compete with it."""
    deadline = time.monotonic() + timeout
    while True:
        cases, undelivered = stored_cases(url)
        if undelivered == 0 or time.monotonic() > deadline:
            return cases
        time.sleep(0.25)


def desk_duplicates(slack: SlackStandIn, cases: list[Any]) -> int:
    """Case messages beyond one per case in the desk channel, and posts beyond one per outbox
    row anywhere (each intended message is one row; its id travels in the message metadata).
    Reporters get several DMs per case (received, acknowledged, ...), so DMs are counted by row."""
    texts = [m.get("text", "") for m in slack.messages(DESK_CHANNEL)]
    extra = 0
    for case in cases:
        extra += max(0, sum(case.reference in text for text in texts) - 1)
    return extra + checkins.duplicates_in(
        [c.response["message"] for c in slack.calls_to("chat.postMessage") if c.status == 200]
    )


def outbox_empty(url: str) -> Callable[[], bool]:
    return lambda: stored_cases(url)[1] == 0


def posts_seen(slack: SlackStandIn, count: int) -> Callable[[], bool]:
    """True once the stand-in has answered `count` more chat.postMessage calls than now."""
    before = len(slack.calls_to("chat.postMessage"))
    return lambda: len(slack.calls_to("chat.postMessage")) - before >= count


def cpu_phase(
    app: procs.Served,
    ours: SlackRequestSender,
    slack: SlackStandIn,
    env: dict[str, str],
    form: dict[str, Any],
    url: str,
    sizes: Sizes,
    profile_to: Path | None,
) -> dict[str, CpuSample]:
    """CPU per report for ours (already running, outbox drained) and for the two bare Bolt
    apps (the floor storing the submission first, the baseline not) that ack and then make the
    desk post, the DM and the thread post."""
    n = sizes.cpu_reports
    samples = {
        "ours": measure_cpu(
            app,
            ours,
            Bodies(ours, slack, form).submissions(n),
            acked_with_reference,
            outbox_empty(url),
            profile_to=profile_to,
            name="ours",
        )
    }
    for name in ("floor", "baseline"):
        bare = procs.baseline(env, free_port(), delivers=True, stores=name == "floor")
        bare.start()
        try:
            sender = SlackRequestSender(bare.url, SIGNING_SECRET, standin=slack)
            bodies = Bodies(sender, slack, form).submissions(n)
            samples[name] = measure_cpu(
                bare,
                sender,
                bodies,
                acked_empty,
                posts_seen(slack, 3 * n),
                profile_to=profile_to,
                name=name,
            )
            sender.close()
        finally:
            bare.stop()
    return samples


def cpu_only_phase(
    server_url: str | None, folder: Path, sizes: Sizes, profile_to: Path | None
) -> dict[str, CpuSample]:
    """Only the CPU burst (after a warm-up): a short run for profiling a change."""
    with SlackStandIn(trigger_ttl=600) as slack, database(server_url, folder, "cpu") as url:
        populate_workspace(slack)
        env = base_env(slack, url)
        app = procs.ours(env, free_port())
        app.start()
        try:
            ours = SlackRequestSender(app.url, SIGNING_SECRET, standin=slack)
            ours.command("/harassment", user_id=REPORTER_EN)
            form = slack.wait_for(lambda: slack.calls_to("views.open"))[-1].response["view"]
            warmup = Bodies(ours, slack, form).submissions(sizes.warmup)
            run_load(ours, warmup, 4, acked_with_reference)
            wait_until_delivered(url)
            samples = cpu_phase(app, ours, slack, env, form, url, sizes, profile_to)
            duplicates = desk_duplicates(slack, wait_until_delivered(url))
            print(f"duplicates seen: {duplicates}")
            ours.close()
        finally:
            app.stop()
    return samples


def latency_phase(
    server_url: str | None, folder: Path, sizes: Sizes, profile_to: Path | None = None
) -> tuple[dict[str, dict[str, dict[int, LoadResult]]], dict[str, Any]]:
    results: dict[str, dict[str, dict[int, LoadResult]]] = {name: {} for name in APPS}
    info: dict[str, Any] = {}
    with SlackStandIn(trigger_ttl=600) as slack, database(server_url, folder, "latency") as url:
        populate_workspace(slack)
        env = base_env(slack, url)
        app = procs.ours(env, free_port())
        info["startup_fresh_s"] = (
            app.start().startup_s
        )  # an empty database: includes the migrations
        app.stop()
        info["startup_s"] = app.start().startup_s  # a restart, as a deployment or a crash does
        info["rss_start_mb"] = app.rss_mb()
        floor = procs.baseline(env, free_port(), stores=True)
        bare = procs.baseline(env, free_port())
        floor.start()
        bare.start()
        try:
            ours = SlackRequestSender(app.url, SIGNING_SECRET, standin=slack)
            senders = {
                "ours": ours,
                "floor": SlackRequestSender(floor.url, SIGNING_SECRET, standin=slack),
                "baseline": SlackRequestSender(bare.url, SIGNING_SECRET, standin=slack),
            }
            ours.command("/harassment", user_id=REPORTER_EN)
            form = slack.wait_for(lambda: slack.calls_to("views.open"))[-1].response["view"]
            for name, sender in senders.items():
                bodies = Bodies(sender, slack, form)
                results[name]["command"] = measure(sender, bodies.commands, acked_empty, sizes)
                ok = acked_with_reference if name == "ours" else acked_empty
                results[name]["submission"] = measure(sender, bodies.submissions, ok, sizes)
            cases = wait_until_delivered(url)
            info["button"] = ACKNOWLEDGE_ACTION
            for name, sender in senders.items():
                bodies = Bodies(sender, slack, form)
                pool = iter(cases)

                def make(n: int, b: Bodies = bodies, p: Iterator[Any] = pool) -> list[str]:
                    return b.acknowledge_clicks(ACKNOWLEDGE_ACTION, [next(p) for _ in range(n)])

                results[name]["button"] = measure(sender, make, acked_empty, sizes)
            cases = wait_until_delivered(url)
            info["cpu"] = cpu_phase(app, ours, slack, env, form, url, sizes, profile_to)
            cases = wait_until_delivered(url)
            time.sleep(2)
            info["reports_stored"] = len(cases)
            info["reports_announced"] = sum(1 for c in cases if c.desk_message_ts)
            info["duplicates"] = desk_duplicates(slack, cases)
            time.sleep(3)
            info["rss_idle_mb"] = app.rss_mb()
            info["rss_baseline_mb"] = bare.rss_mb()
            info["rss_floor_mb"] = floor.rss_mb()
            bodies = Bodies(ours, slack, form)
            people = bodies.people(sizes.limited_reports, "U0BURST")
            info["limited"] = burst.limited_burst(
                ours,
                slack,
                bodies.submissions(len(people), people),
                people,
                acked_with_reference,
                sizes.limited_wait_s,
            )
            # The limit is off again: the rest drains, and is counted for duplicates too.
            info["duplicates"] = desk_duplicates(slack, wait_until_delivered(url))
            for sender in senders.values():
                sender.close()
        finally:
            app.stop()
            floor.stop()
            bare.stop()
    return results, info


def fmt(value: float) -> str:
    return "n/a" if value is None or math.isnan(value) else f"{value:.1f}"


def print_cpu(samples: dict[str, CpuSample]) -> None:
    o, f, b = samples["ours"], samples["floor"], samples["baseline"]
    print(f"CPU per report (app processes' user+sys, deliveries included), {o.reports} reports "
          f"at concurrency {20}: ours {o.ms_per_report:.1f} ms; making the same Slack calls, "
          f"the durable floor {f.ms_per_report:.1f} ms (ratio "
          f"{o.ms_per_report / f.ms_per_report:.2f}) and bare Bolt {b.ms_per_report:.1f} ms "
          f"(ratio {o.ms_per_report / b.ms_per_report:.2f}); all delivered {o.drain_s:.1f} s "
          f"after the last ack (floor {f.drain_s:.1f} s, bare Bolt {b.drain_s:.1f} s)")  # fmt: skip
    for name, sample in samples.items():
        if sample.profile:
            print_profile(name, sample.profile)


def print_latencies(
    backend: str, results: dict[str, dict[str, dict[int, LoadResult]]], sizes: Sizes
) -> tuple[list[float], list[float]]:
    """The ack table; returns the p99 ratios at concurrency 20 against bare Bolt and the floor."""
    print(f"Ack latency (ms), {backend}, {sizes.requests} requests per concurrency")
    print(f"{'scenario':<11}{'conc':>5} {'ours p50/p95/p99':>20} {'floor p50/p95/p99':>20}"
          f" {'bolt p50/p95/p99':>20} {'/floor':>7} {'/bolt':>6} {'ours/s':>7}"
          f" {'floor/s':>7} {'bolt/s':>7}")  # fmt: skip
    ratios, floor_ratios = [], []
    for scenario in SCENARIOS:
        for c in CONCURRENCY:
            o, f, b = (results[name][scenario][c] for name in APPS)
            ratio, floor_ratio = (
                o.percentile(99) / b.percentile(99),
                o.percentile(99) / f.percentile(99),
            )
            if c == 20:
                ratios.append(ratio)
                floor_ratios.append(floor_ratio)
            spans = ["/".join(fmt(r.percentile(q)) for q in (50, 95, 99)) for r in (o, f, b)]
            failures = o.failures + f.failures + b.failures
            failed = (
                f"  ({o.failures} ours / {f.failures} floor / {b.failures} bolt failed)"
                if failures
                else ""
            )
            print(f"{scenario:<11}{c:>5} {spans[0]:>20} {spans[1]:>20} {spans[2]:>20}"
                  f" {floor_ratio:>7.2f} {ratio:>6.2f} {o.per_second:>7.0f} {f.per_second:>7.0f}"
                  f" {b.per_second:>7.0f}{failed}")  # fmt: skip
    return ratios, floor_ratios


def run_backend(
    server_url: str | None, folder: Path, sizes: Sizes, args: argparse.Namespace
) -> dict[str, Any]:
    """Every figure for one database; prints them and returns the JSON summary's part."""
    backend = "postgresql" if server_url else "sqlite"
    profile_to = None
    if args.profile:
        profile_to = Path(args.profile) / backend
        profile_to.mkdir(parents=True, exist_ok=True)
    if args.cpu_only:
        samples = cpu_only_phase(server_url, folder, sizes, profile_to)
        print(f"{backend}:")
        print_cpu(samples)
        return {
            "cpu_ms_per_report": {name: round(c.ms_per_report, 2) for name, c in samples.items()},
            "delivered_after_last_ack_s": round(samples["ours"].drain_s, 1),
        }
    results, info = latency_phase(server_url, folder, sizes, profile_to)
    ratios, floor_ratios = print_latencies(backend, results, sizes)
    reports_per_s = results["ours"]["submission"][20].per_second
    print(f"button scenario: {info['button']}")
    print(f"reports ingested: {reports_per_s:.0f}/s at concurrency 20 "
          f"({info['reports_stored']} stored, {info['reports_announced']} announced)")  # fmt: skip
    cpu: dict[str, CpuSample] = info["cpu"]
    print_cpu(cpu)

    limited: burst.LimitedBurst = info["limited"]
    print(limited.describe())

    tick_1k = tick_ms(server_url, folder, 1_000)
    tick_100k = tick_ms(server_url, folder, 100_000)
    print(f"scheduler tick (check-in claim): {tick_1k:.2f} ms with 1,000 pending, "
          f"{tick_100k:.2f} ms with 100,000 pending")  # fmt: skip

    from bench import insight

    exported = insight.run(server_url, 10_000, None)
    print(f"export of {exported['export_rows']} cases: {exported['export_s']:.2f} s; monthly "
          f"report (figures, post, chart): {exported['report_s']:.2f} s")  # fmt: skip

    duplicates = info["duplicates"]
    checkins_s: float | None = None
    if args.skip_checkins:
        print("check-in delivery: skipped (--skip-checkins)")
    else:
        run = checkins.deliver_checkins(server_url, folder, sizes.checkins, sizes.checkin_people)
        checkins_s = run.seconds
        duplicates += run.duplicates
        print(f"check-in delivery: {run.delivered} of {run.due} due check-ins to "
              f"{sizes.checkin_people} people in {run.seconds:.1f} s with Slack's per-channel "
              f"limit ({run.rate_limited} answers were 429), "
              f"{run.duplicates} duplicates")  # fmt: skip
    relays = relay.report(
        relay.relay_latency(server_url, folder, relay.QUICK if args.quick else relay.FULL)
    )
    print(f"duplicates seen: {duplicates}")
    print(f"idle RSS: {info['rss_idle_mb']:.0f} MB after the load ({info['rss_start_mb']:.0f} MB "
          f"at start; the floor: {info['rss_floor_mb']:.0f} MB; the bare Bolt app: "
          f"{info['rss_baseline_mb']:.0f} MB)")  # fmt: skip
    print(f"start to ready: {info['startup_s']:.2f} s (first start on an empty database, "
          f"migrations included: {info['startup_fresh_s']:.2f} s)")  # fmt: skip
    print()
    return {
        "ack_p99_ms": {
            s: {name: round(results[name][s][20].percentile(99), 1) for name in APPS}
            for s in SCENARIOS
        },
        "ack_p99_ratio_max": round(max(ratios), 2),
        "floor": {
            "ack_p99_ratio_max": round(max(floor_ratios), 2),
            "cpu_ratio": round(cpu["ours"].ms_per_report / cpu["floor"].ms_per_report, 2),
            "rss_idle_mb": round(info["rss_floor_mb"], 1),
        },
        "reports_per_s": round(reports_per_s, 1),
        "cpu_ms_per_report": {name: round(c.ms_per_report, 2) for name, c in cpu.items()},
        "cpu_ratio": round(cpu["ours"].ms_per_report / cpu["baseline"].ms_per_report, 2),
        "delivered_after_last_ack_s": round(cpu["ours"].drain_s, 1),
        "limited_burst": {
            "reports": limited.reports,
            "dms_after_last_ack_s": None if limited.dms_s is None else round(limited.dms_s, 1),
            "case_messages_by_then": limited.case_messages_at_dms,
            "case_messages": limited.case_messages,
            "waited_s": round(limited.waited_s, 1),
            "answered_429": limited.refused_429,
        },
        "tick_ms_1k": round(tick_1k, 2),
        "tick_ms_100k": round(tick_100k, 2),
        "checkins_10k_s": None if checkins_s is None else round(checkins_s, 1),
        "duplicates": duplicates,
        "rss_idle_mb": round(info["rss_idle_mb"], 1),
        "startup_s": round(info["startup_s"], 2),
        "relay_ms": relays,
        "export_10k_s": exported["export_s"],
        "report_s": exported["report_s"],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller counts: a minute or so")
    parser.add_argument(
        "--database-url",
        help="a PostgreSQL server URL (temporary databases are created on it and dropped): "
        "the run then measures SQLite and PostgreSQL; default: SQLite only",
    )
    parser.add_argument("--skip-checkins", action="store_true", help="skip the delivery run")
    parser.add_argument(
        "--profile",
        metavar="DIR",
        help="sample the apps with py-spy during the CPU burst (raw stacks into DIR, top "
        "frames printed); needs `pip install py-spy`",
    )
    parser.add_argument(
        "--cpu-only", action="store_true", help="only the CPU-per-report burst (for profiling)"
    )
    args = parser.parse_args(argv)
    sizes = QUICK if args.quick else FULL
    folder = Path(tempfile.mkdtemp(prefix="hd-bench-"))

    summary = run_backend(None, folder, sizes, args)
    if args.database_url:
        summary["postgres"] = run_backend(args.database_url, folder, sizes, args)
    print(json.dumps(summary))
    return 0
