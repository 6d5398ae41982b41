"""A running `harassment-desk playground` and a headless chromium looking at it.

The browser is Debian's chromium driven by Playwright (never `playwright install`: this machine
cannot download browsers). Without chromium the browser tests skip locally and fail under CI.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.harness import PROJECT_ROOT, free_port

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = PROJECT_ROOT / "docs" / "screenshots"


class Playground:
    """`harassment-desk playground` as a child process; `url` is its page."""

    def __init__(self, data: Path, *args: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.argv = [sys.executable, "-m", "bot", "playground", "--port", str(self.port)]
        self.argv += ["--data", str(data), *args]
        self.process: subprocess.Popen[str] | None = None
        self.state_url = f"{self.url}api/state?user=U0PGEMPJA1"
        self.startup_s = 0.0
        self.ready_s = 0.0

    def start(self, timeout: float = 60.0) -> Playground:
        started = time.perf_counter()
        self.process = subprocess.Popen(
            self.argv,
            cwd=PROJECT_ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        with requests.Session() as session:
            while time.perf_counter() - started < timeout:
                if self.process.poll() is not None:
                    raise RuntimeError(f"playground exited: {self.process.stdout.read()}")  # type: ignore[union-attr]
                try:
                    if not self.startup_s and session.get(self.url, timeout=0.5).ok:
                        self.startup_s = time.perf_counter() - started
                    # The page answers at once; the app behind it a moment later.
                    if self.startup_s and session.get(self.state_url, timeout=0.5).ok:
                        self.ready_s = time.perf_counter() - started
                        return self
                except requests.RequestException:
                    pass
                time.sleep(0.02)
        raise TimeoutError("the playground did not start")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture
def playground(tmp_path: Path) -> Iterator[Playground]:
    running = Playground(tmp_path / "data").start()
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not (os.path.exists(CHROMIUM) and shutil.which("chromium")):
        if os.environ.get("CI") == "true":
            pytest.fail(f"{CHROMIUM} is missing: .ci/run installs it (apt-get install chromium)")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        chromium = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
