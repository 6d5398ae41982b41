"""Watch the flows end to end without a Slack workspace: `python -m tests.demo`.

Starts the Slack stand-in and the real app (HTTP, signed requests, SQLite in a temporary folder),
plays a report as a Japanese and an English employee, and prints what Slack was asked to show.
"""

from __future__ import annotations

import argparse
import functools
import json
import tempfile
import time
from pathlib import Path
from typing import Any

import requests

from bot.desk.ids import ACKNOWLEDGE_ACTION
from bot.standin import SlackStandIn
from bot.standin.server import Call
from tests.harness import (
    DESK_CHANNEL,
    DESK_STAFF,
    REPORTER_EN,
    REPORTER_JA,
    AppHarness,
    populate_workspace,
)


def block_text(block: dict[str, Any]) -> str:
    """A rough plain-text rendering of a block, good enough to read in a terminal."""
    kind = block.get("type")
    if kind in ("section", "header"):
        parts = [block.get("text", {}).get("text", "")]
        parts += [field.get("text", "") for field in block.get("fields", [])]
        return "\n".join(part for part in parts if part)
    if kind == "context":
        return "  ".join(element.get("text", "") for element in block.get("elements", []))
    if kind == "actions":
        return " ".join(
            f"[{e.get('text', {}).get('text', e.get('type'))}]" for e in block["elements"]
        )
    if kind == "input":
        return f"<{block['label']['text']}>"
    if kind == "divider":
        return "-" * 40
    return f"({kind})"


def show(title: str, blocks: list[dict[str, Any]]) -> None:
    print(f"\n=== {title} " + "=" * max(0, 60 - len(title)))
    for block in blocks:
        print(block_text(block))


def views_opened_with(slack: SlackStandIn, trigger_id: str) -> Call | None:
    return next(
        (c for c in slack.calls_to("views.open") if c.args.get("trigger_id") == trigger_id), None
    )


def wait_until_delivered(app: AppHarness) -> None:
    """Every side effect so far has reached Slack: the outbox has nothing waiting."""
    app.slack.wait_for(lambda: app.runtime.health.backlog().waiting == 0, timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", help="default: SQLite in a temporary folder")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, SlackStandIn() as slack:
        populate_workspace(slack)
        url = args.database_url or f"sqlite:///{Path(folder) / 'demo.db'}"
        with AppHarness(slack, url) as app:
            for user, narrative, danger in (
                (
                    REPORTER_JA,
                    "「土下座しろ」と30分怒鳴られました。<!channel> & 店長を呼べと。",
                    "no",
                ),
                (REPORTER_EN, "He threatened to post my name online and hit the counter.", "yes"),
            ):
                started = time.perf_counter()
                trigger = slack.new_trigger_id(user)
                response = app.sender.command("/harassment", "", user_id=user, trigger_id=trigger)
                command_ms = (time.perf_counter() - started) * 1000
                # This person's own form: the views.open made with their trigger, not any other.
                opened = slack.wait_for(
                    functools.partial(views_opened_with, slack, trigger), timeout=30
                )
                view = opened.response["view"]
                show(
                    f"modal for {user} (command ack {response.status} in {command_ms:.0f} ms)",
                    view["blocks"],
                )
                started = time.perf_counter()
                answer = app.submit_report(
                    view,
                    {
                        "narrative": narrative,
                        "in_danger": danger,
                        "categories": ["mental", "apology"],
                    },
                    user_id=user,
                )
                submit_ms = (time.perf_counter() - started) * 1000
                show(
                    f"modal after submit (ack in {submit_ms:.0f} ms)",
                    answer.json()["view"]["blocks"],
                )
                slack.wait_for(functools.partial(slack.dms, user), timeout=30)
                show(f"DM to {user}", slack.dms(user)[-1]["blocks"])
            slack.wait_for(lambda: len(slack.messages(DESK_CHANNEL)) >= 2, timeout=30)
            wait_until_delivered(app)
            for message in slack.messages(DESK_CHANNEL):
                show(f"desk channel: {message['text']}", message["blocks"])
                replies = slack.replies(DESK_CHANNEL, message["ts"])
                for reply in (r for r in replies if r["ts"] != message["ts"]):
                    show(
                        "  thread reply",
                        reply.get("blocks")
                        or [{"type": "section", "text": {"text": reply["text"]}}],
                    )
            first = slack.messages(DESK_CHANNEL)[0]
            button = next(
                element
                for block in first["blocks"]
                if block["type"] == "actions"
                for element in block["elements"]
                if element.get("action_id") == ACKNOWLEDGE_ACTION
            )
            click = app.sender.block_actions(
                ACKNOWLEDGE_ACTION,
                value=button["value"],
                user_id=DESK_STAFF[0],
                channel_id=DESK_CHANNEL,
                message_ts=first["ts"],
            )
            started = time.perf_counter()
            app.sender.interaction(click)
            click_ms = (time.perf_counter() - started) * 1000
            slack.wait_for(lambda: len(slack.dms(REPORTER_JA)) >= 2, timeout=30)
            wait_until_delivered(app)
            updated = slack.find_message(DESK_CHANNEL, first["ts"]) or {}
            show(
                f"desk member clicks Acknowledge (ack in {click_ms:.0f} ms): case message",
                updated["blocks"],
            )
            timeline = [
                r for r in slack.replies(DESK_CHANNEL, first["ts"]) if r["ts"] != first["ts"]
            ]
            show("  newest thread line", timeline[-1].get("blocks") or [])
            show(f"DM to {REPORTER_JA}", slack.dms(REPORTER_JA)[-1]["blocks"])
            methods = [call.method for call in slack.calls]
            print("\nSlack calls:", json.dumps({m: methods.count(m) for m in sorted(set(methods))}))
            for path in ("/readyz", "/metrics"):
                answer = requests.get(app.base_url + path, timeout=10)
                print(f"\n=== GET {path}: {answer.status_code} " + "=" * 40)
                print(answer.text.strip())


if __name__ == "__main__":
    main()
