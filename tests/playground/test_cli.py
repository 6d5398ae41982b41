"""`harassment-desk playground` refuses what it cannot do in one line (exit 2), listens on
127.0.0.1 only, and tells a browser without JavaScript what it needs."""

from __future__ import annotations

import base64
import re
import socket
import subprocess
import sys
from pathlib import Path

import psutil
import requests

from bot.playground.web import MAX_UPLOAD_BYTES
from tests.harness import PROJECT_ROOT, free_port
from tests.playground.conftest import Playground


def playground_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "playground", *args],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_port_in_use_is_one_line_suggesting_another(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = playground_cli("--port", str(port), "--data", str(tmp_path))
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"harassment-desk: port {port} is in use; try: harassment-desk playground --port {port + 1}"
    ]


def test_a_second_playground_on_the_same_data_folder_is_refused(
    playground: Playground, tmp_path: Path
) -> None:
    result = playground_cli("--port", str(free_port()), "--data", str(tmp_path / "data"))
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"harassment-desk: another playground is using {tmp_path / 'data'}; stop it, or pass "
        "--data with another folder"
    ]
    assert playground.process is not None and playground.process.poll() is None


def test_another_host_is_warned_about(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = playground_cli("--host", "localhost", "--port", str(port), "--data", str(tmp_path))
    warning, refusal = result.stderr.splitlines()
    assert "warning: the playground listens on localhost" in warning
    assert "can act as any of its people" in warning
    assert refusal.startswith(f"harassment-desk: port {port} is in use")


def test_nothing_listens_beyond_loopback(playground: Playground) -> None:
    assert playground.process is not None
    listening = [
        c.laddr
        for c in psutil.Process(playground.process.pid).net_connections(kind="inet")
        if c.status == psutil.CONN_LISTEN
    ]
    assert len(listening) >= 3  # the page, the app and the Slack stand-in
    assert {address.ip for address in listening} == {"127.0.0.1"}


def test_a_browser_without_javascript_gets_a_plain_message(playground: Playground) -> None:
    # Read from the HTML: Playwright's chromium never renders <noscript> (it scripts the page
    # even with JavaScript turned off for the page's own scripts).
    page = requests.get(playground.url, timeout=10)
    noscript = re.search(r"<noscript>(.*?)</noscript>", page.text, re.S)
    assert noscript is not None
    text = re.sub(r"<[^>]+>", " ", noscript.group(1))
    assert "プレイグラウンドには JavaScript が必要です" in text
    assert "The playground needs JavaScript" in text
    assert page.text.index("<noscript>") < page.text.index("<script")
    assert "Slack には接続していません" in page.text  # the banner is there without the script


def test_a_file_larger_than_the_playground_takes_is_refused(playground: Playground) -> None:
    too_large = base64.b64encode(b"\0" * (MAX_UPLOAD_BYTES + 1)).decode()
    answer = requests.post(
        f"{playground.url}api/upload",
        json={"user": "U0PGEMPEN1", "name": "huge.bin", "mimetype": "", "data": too_large},
        timeout=60,
    )
    assert answer.status_code == 400
    assert answer.json() == {"ok": False, "error": "too_large"}
    fits = base64.b64encode(b"evidence").decode()
    answer = requests.post(
        f"{playground.url}api/upload",
        json={"user": "U0PGEMPEN1", "name": "note.txt", "mimetype": "text/plain", "data": fits},
        timeout=60,
    )
    assert answer.ok and answer.json()["file"]["name"] == "note.txt"
