"""Transport and files.

- waitress refuses a body over 1 MiB before reading it (it used to read up to 1 GiB).
- Slack's largest legitimate bodies for this app are measured here and fit well below 1 MiB.
- The SQLite database and its -wal/-shm files are 0600.
- SLACK_API_URL must be https unless it points at a loopback address; a signing secret far
  shorter than Slack's 32 characters is refused; the answer names neither app nor server.
"""

from __future__ import annotations

import http.client
import json
import os
import stat
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from bot.config import SettingsError, load_settings
from bot.inbound import MAX_BODY_BYTES
from bot.standin import SlackRequestSender, SlackStandIn
from tests.harness import (
    DESK_CHANNEL,
    REPORTER_JA,
    SIGNING_SECRET,
    AppHarness,
    AppProcess,
    base_env,
    free_port,
)

VALID = {
    "SLACK_BOT_TOKEN": "xoxb-1",
    "SLACK_SIGNING_SECRET": "0123456789abcdef0123456789abcdef",
    "DESK_CHANNEL_ID": "C0123ABCD",
}
# Slack's message text limit (chat.postMessage truncates above it), in characters.
MESSAGE_TEXT_MAX = 40_000


def announce_big_body(port: int, length: int) -> http.client.HTTPResponse:
    """Send only the headers of a request announcing `length` bytes: waitress must answer
    413 without waiting for (or reading) the body."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.putrequest("POST", "/slack/events")
    connection.putheader("Content-Type", "application/x-www-form-urlencoded")
    connection.putheader("Content-Length", str(length))
    connection.endheaders()
    return connection.getresponse()


def test_the_real_server_refuses_big_bodies_names_nothing_and_keeps_files_private(
    slack: SlackStandIn, tmp_path: Path
) -> None:
    database = tmp_path / "desk.db"
    port = free_port()
    process = AppProcess(base_env(slack, f"sqlite:///{database}"), port).start()
    sender = SlackRequestSender(process.url, SIGNING_SECRET, standin=slack)
    try:
        answer = announce_big_body(port, 1024**3)  # 1 GiB announced, nothing sent
        assert answer.status == 413
        assert announce_big_body(port, MAX_BODY_BYTES + 1).status == 413
        assert answer.getheader("Server") is None
        ok = sender.command("/harassment", user_id=REPORTER_JA)
        assert ok.status == 200 and "server" not in ok.headers
        modes = {
            path.name: stat.S_IMODE(path.stat().st_mode)
            for path in tmp_path.iterdir()
            if path.name.startswith("desk.db")
        }
        print(f"\nfile modes: { {k: oct(v) for k, v in modes.items()} }")
        assert {"desk.db", "desk.db-wal", "desk.db-shm"} <= set(modes)
        assert set(modes.values()) == {0o600}, modes
    finally:
        sender.close()
        process.stop()


def test_an_old_world_readable_database_is_tightened(slack: SlackStandIn, tmp_path: Path) -> None:
    database = tmp_path / "old.db"
    database.touch()
    os.chmod(database, 0o644)
    with AppHarness(slack, f"sqlite:///{database}"):
        assert stat.S_IMODE(database.stat().st_mode) == 0o600


def largest_text_values(view: dict[str, Any]) -> dict[str, str]:
    """Every text input of the modal filled to its max_length with 3-byte characters."""
    values = {}
    for block in view["blocks"]:
        element = block.get("element") or {}
        if block.get("type") == "input" and element.get("type") == "plain_text_input":
            values[block["block_id"]] = "あ" * int(element.get("max_length", 3000))
    return values


def test_slacks_largest_legitimate_bodies_fit_under_the_limit(app: AppHarness) -> None:
    # The report form with every text field full of Japanese (3 bytes each, 9 once
    # form-encoded), as Slack posts it: the view (blocks, state) in a form-encoded `payload`.
    view = app.open_report_form(REPORTER_JA)
    submission = app.sender.view_submission(view, largest_text_values(view), REPORTER_JA)
    form_body = urlencode({"payload": json.dumps(submission, ensure_ascii=False)}).encode()
    # The message shortcut on a message at Slack's 40,000-character limit, with the
    # rich_text block Slack adds that repeats the text.
    text = "あ" * MESSAGE_TEXT_MAX
    message = {
        "type": "message",
        "user": REPORTER_JA,
        "ts": "1700000000.000100",
        "text": text,
        "blocks": [
            {
                "type": "rich_text",
                "block_id": "b1",
                "elements": [
                    {"type": "rich_text_section", "elements": [{"type": "text", "text": text}]}
                ],
            }
        ],
    }
    shortcut = app.sender.message_shortcut("report_message", message, DESK_CHANNEL, REPORTER_JA)
    shortcut_body = urlencode({"payload": json.dumps(shortcut, ensure_ascii=False)}).encode()
    sizes = {
        "report form, every field full": len(form_body),
        "40k-char shortcut": len(shortcut_body),
    }
    print(f"\nlargest bodies (bytes): {sizes}; limit {MAX_BODY_BYTES}")
    assert max(sizes.values()) < MAX_BODY_BYTES
    assert app.sender.send(form_body.decode(), "application/x-www-form-urlencoded").status == 200


@pytest.mark.parametrize(
    ("url", "accepted"),
    [
        ("https://slack.com/api/", True),
        ("http://127.0.0.1:8080/api/", True),
        ("http://localhost:8080/api/", True),
        ("http://[::1]:8080/api/", True),
        ("http://slack.example.co.jp/api/", False),
        ("http://10.0.0.5/api/", False),
        ("ftp://slack.com/api/", False),
    ],
)
def test_slack_api_url_must_be_https_unless_loopback(url: str, accepted: bool) -> None:
    env = {**VALID, "SLACK_API_URL": url}
    if accepted:
        assert load_settings(env).slack_api_url == url
        return
    with pytest.raises(SettingsError) as caught:
        load_settings(env)
    assert caught.value.problems[0].startswith(f"SLACK_API_URL {url!r} must")


def test_a_signing_secret_much_shorter_than_slacks_is_refused() -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings({**VALID, "SLACK_SIGNING_SECRET": "s"})
    assert caught.value.problems == [
        "SLACK_SIGNING_SECRET is too short (1 characters; Slack's are 32): copy it again from "
        "Basic Information > App Credentials"
    ]
