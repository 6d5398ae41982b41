"""CPU time per report: the figure that holds on a busy machine, where latencies do not.

A burst of report submissions (concurrency 20) goes to an app; its processes' user+system CPU
time (web and delivery workers, from psutil) is read before the first request and again once
every Slack call the reports cause has been made, and divided by the reports. For ours, "done"
is an empty outbox; for the bare Bolt baseline (acks, then makes the desk post, the DM and the
thread post in its listener), it is the stand-in having seen its three posts per report.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from bench import procs
from bench.load import LoadResult, run_load
from bench.profile import profiled
from bot.standin import SenderResponse, SlackRequestSender

CONCURRENCY = 20


@dataclass(frozen=True)
class CpuSample:
    reports: int
    cpu_s: float
    wall_s: float  # first request to last delivery
    drain_s: float  # last ack to last delivery
    load: LoadResult
    profile: list[Path]

    @property
    def ms_per_report(self) -> float:
        return self.cpu_s * 1000 / self.reports if self.reports else float("nan")


def measure_cpu(
    app: procs.Served,
    sender: SlackRequestSender,
    bodies: Sequence[str],
    ok: Callable[[SenderResponse], bool],
    done: Callable[[], bool],
    *,
    profile_to: Path | None = None,
    name: str = "app",
    timeout: float = 300,
) -> CpuSample:
    """Send `bodies` at concurrency 20, wait for `done()`, and return the CPU the app used."""
    with ExitStack() as stack:
        paths: list[Path] = []
        if profile_to is not None:
            paths = stack.enter_context(profiled(app.pids(), profile_to, name))
            time.sleep(0.5)  # py-spy attaches
        before = app.cpu_seconds()
        started = time.perf_counter()
        load = run_load(sender, bodies, CONCURRENCY, ok)
        acked = time.perf_counter()
        deadline = acked + timeout
        while not done() and time.perf_counter() < deadline:
            time.sleep(0.05)
        finished = time.perf_counter()
        cpu = app.cpu_seconds() - before
    return CpuSample(
        reports=len(load.latencies),
        cpu_s=cpu,
        wall_s=finished - started,
        drain_s=finished - acked,
        load=load,
        profile=paths,
    )
