"""Child processes for the benchmark: our app and the baseline, each with its own interpreter."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence

import psutil
import requests

from tests.harness import PROJECT_ROOT


class Served:
    """A WSGI server in a child process; `start()` returns seconds from spawn to /healthz 200."""

    def __init__(self, name: str, argv: Sequence[str], env: Mapping[str, str], port: int) -> None:
        self.name = name
        self.argv = list(argv)
        self.env = {**os.environ, **env, "PORT": str(port), "HOST": "127.0.0.1"}
        self.port = port
        self.process: subprocess.Popen[bytes] | None = None
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 (lives as long as the process)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/slack/events"

    def start(self, timeout: float = 30.0) -> float:
        started = time.perf_counter()
        self.process = subprocess.Popen(
            self.argv, env=self.env, cwd=PROJECT_ROOT, stdout=subprocess.DEVNULL, stderr=self.log
        )
        health = f"http://127.0.0.1:{self.port}/healthz"
        with requests.Session() as session:
            while time.perf_counter() - started < timeout:
                if self.process.poll() is not None:
                    raise RuntimeError(f"{self.name} exited:\n{self.output()}")
                try:
                    if session.get(health, timeout=0.5).status_code == 200:
                        return time.perf_counter() - started
                except requests.RequestException:
                    pass
                time.sleep(0.005)
        raise TimeoutError(f"{self.name} did not become healthy:\n{self.output()}")

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read().decode("utf-8", "replace")

    def rss_mb(self) -> float:
        assert self.process is not None
        return float(psutil.Process(self.process.pid).memory_info().rss) / 2**20

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def ours(env: Mapping[str, str], port: int) -> Served:
    return Served("harassment-desk", [sys.executable, "-m", "bot", "run", "--http"], env, port)


def baseline(env: Mapping[str, str], port: int) -> Served:
    return Served("bolt-baseline", [sys.executable, "-m", "bench.baseline"], env, port)
