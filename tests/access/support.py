"""Helpers for the sealed-mode tests: everything Slack received from the app, the modals, the
access log and `harassment-desk audit verify`."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

from sqlalchemy import select

from bot.access import ids
from storage.models import AccessEntry, Case
from tests.desk_support import click
from tests.harness import PROJECT_ROOT, TEST_CASE_KEY, AppHarness, same_clock

# What the app sends that people read outside a modal: messages, updates, ephemeral answers,
# homes, file uploads (title, name, comment) and answers through response_urls.
OUTSIDE_MODALS = (
    "chat.postMessage",
    "chat.update",
    "chat.postEphemeral",
    "chat.scheduleMessage",
    "views.publish",
    "files.getUploadURLExternal",
    "files.completeUploadExternal",
    "files.upload",
    "response_url",
)

SEALED = {"CASE_CONTENT_IN_SLACK": "sealed"}


# Where a call goes, not what it says: a DM is addressed to the reporter's id.
ADDRESSING = ("channel", "channel_id", "user", "user_id", "ts", "thread_ts", "url", "view_id")


def sent(app: AppHarness, methods: tuple[str, ...]) -> str:
    """What the app said with `methods` (every argument but the addressing), as one text."""
    return "\n".join(
        json.dumps(
            {key: value for key, value in call.args.items() if key not in ADDRESSING},
            ensure_ascii=False,
        )
        for call in app.slack.calls
        if call.method in methods
    )


def accesses(app: AppHarness, case_id: int | None = None) -> list[AccessEntry]:
    with app.deps.sessions() as session:
        query = select(AccessEntry).order_by(AccessEntry.id)
        if case_id is not None:
            query = query.where(AccessEntry.case_id == case_id)
        return list(session.scalars(query))


def open_case(app: AppHarness, case: Case, user_id: str) -> dict[str, Any]:
    """`user_id` clicks Open case; the view Slack was asked to open."""
    before = len(app.slack.calls_to("views.open"))
    click(app, case, ids.OPEN_CASE_ACTION, user_id)
    app.slack.wait_for(lambda: len(app.slack.calls_to("views.open")) > before, timeout=10)
    call = app.slack.calls_to("views.open")[-1]
    assert call.response.get("ok"), call.response
    return dict(call.response["view"])


def show_name(app: AppHarness, view: dict[str, Any], user_id: str) -> dict[str, Any]:
    before = len(app.slack.calls_to("views.update"))
    payload = app.sender.block_actions(ids.SHOW_NAME_ACTION, user_id=user_id, view=view)
    assert app.sender.interaction(payload).status == 200
    app.slack.wait_for(lambda: len(app.slack.calls_to("views.update")) > before, timeout=10)
    call = app.slack.calls_to("views.update")[-1]
    assert call.response.get("ok"), call.response
    return dict(call.response["view"])


def audit_verify(url: str, **settings: str) -> subprocess.CompletedProcess[str]:
    env = {
        **settings,
        "SLACK_BOT_TOKEN": "xoxb-1",
        "SLACK_SIGNING_SECRET": "8f742231b10e8888abcd99yyyzzz85a5",
        "DESK_CHANNEL_ID": "C0123ABCD",
        "DATABASE_URL": url,
        # The deployment's settings, as an operator runs it (the check itself needs no key).
        "CASE_KEY": TEST_CASE_KEY,
        "PATH": "/usr/bin:/bin",
        **same_clock(),
    }
    return subprocess.run(
        [sys.executable, "-m", "bot", "audit", "verify"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
