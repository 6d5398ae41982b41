"""Child processes for the benchmark: our app and the baseline, each with its own interpreter."""

from __future__ import annotations

import sys
from collections.abc import Mapping

import psutil

from tests.harness import AppProcess


class Served(AppProcess):
    """A benchmarked child process: our app or the baseline, with its memory use."""

    def rss_mb(self) -> float:
        assert self.process is not None
        return float(psutil.Process(self.process.pid).memory_info().rss) / 2**20


def ours(env: Mapping[str, str], port: int) -> Served:
    return Served(env, port)


def baseline(env: Mapping[str, str], port: int) -> Served:
    return Served(env, port, [sys.executable, "-m", "bench.baseline"], "bolt-baseline")
