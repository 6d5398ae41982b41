"""Child processes for the benchmark: our app and the baseline, each with its own interpreter."""

from __future__ import annotations

import sys
from collections.abc import Mapping

import psutil

from tests.harness import AppProcess


class Served(AppProcess):
    """A benchmarked child process: our app or the baseline, with its memory use."""

    def rss_mb(self) -> float:
        """Resident memory of the largest of its processes (the goal is per process)."""
        assert self.process is not None
        root = psutil.Process(self.process.pid)
        sizes = []
        for proc in [root, *root.children(recursive=True)]:
            try:
                sizes.append(proc.memory_info().rss)
            except psutil.NoSuchProcess:
                continue
        return float(max(sizes)) / 2**20

    def cpu_seconds(self) -> float:
        """User+system CPU time so far of the process and every live child (a web process and
        its delivery workers count together)."""
        assert self.process is not None
        root = psutil.Process(self.process.pid)
        total = 0.0
        for proc in [root, *root.children(recursive=True)]:
            try:
                times = proc.cpu_times()
            except psutil.NoSuchProcess:
                continue
            total += times.user + times.system
        return total

    def pids(self) -> list[int]:
        assert self.process is not None
        root = psutil.Process(self.process.pid)
        return [root.pid, *(child.pid for child in root.children(recursive=True))]


def ours(env: Mapping[str, str], port: int) -> Served:
    return Served(env, port)


def baseline(
    env: Mapping[str, str], port: int, *, delivers: bool = False, stores: bool = False
) -> Served:
    """The bare Bolt app; with `delivers`, it makes a report's Slack calls after the ack; with
    `stores`, it is the durable floor (one INSERT of the submission before the ack)."""
    env = {
        **env,
        "BASELINE_DELIVERS": "1" if delivers else "0",
        "BASELINE_STORES": "1" if stores else "0",
    }
    name = "bolt-floor" if stores else "bolt-baseline"
    return Served(env, port, [sys.executable, "-m", "bench.baseline"], name)
