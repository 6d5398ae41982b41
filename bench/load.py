"""Fire pre-built signed requests at a server from N threads and time each answer."""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.standin import SenderResponse, SlackRequestSender

FORM = "application/x-www-form-urlencoded"


@dataclass(frozen=True)
class LoadResult:
    latencies: list[float]  # seconds, one per request that got the expected answer
    failures: int
    wall: float

    def percentile(self, q: float) -> float:
        """Nearest-rank percentile in milliseconds."""
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        rank = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
        return ordered[rank] * 1000

    @property
    def per_second(self) -> float:
        return len(self.latencies) / self.wall if self.wall else 0.0


def run_load(
    sender: SlackRequestSender,
    bodies: Sequence[str],
    concurrency: int,
    ok: Callable[[SenderResponse], bool],
) -> LoadResult:
    """Send every body once, `concurrency` at a time; latency is the full HTTP round trip."""
    latencies: list[float] = []
    failures = 0
    lock = threading.Lock()
    position = iter(range(len(bodies)))

    def worker() -> None:
        nonlocal failures
        while True:
            with lock:
                index = next(position, None)
            if index is None:
                return
            started = time.perf_counter()
            try:
                answer = sender.send(bodies[index], FORM)
                good = ok(answer)
            except OSError:
                good = False
            elapsed = time.perf_counter() - started
            with lock:
                if good:
                    latencies.append(elapsed)
                else:
                    failures += 1

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    # This process also hosts the Slack stand-in, which keeps every call it saw: its full
    # collections grew to 0.7 s pauses that froze every client thread and showed up as the
    # apps' p99. Collect before, not during, a run, so only the servers' pauses are measured.
    gc.collect()
    gc.freeze()
    gc.disable()
    started = time.perf_counter()
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        wall = time.perf_counter() - started
        gc.enable()
        # Each thread kept its connection open; a run's 20 threads are gone now. Left open,
        # a benchmark's runs reached waitress's limit of 100 connections, and the next run's
        # requests waited in the accept queue until they timed out.
        sender.close()
    return LoadResult(latencies, failures, wall)
