"""manifest.yml is valid for Slack and declares exactly what the app listens to."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from handlers.commands import COMMANDS
from handlers.events import EVENTS, MESSAGE_EVENTS
from handlers.shortcuts import GLOBAL_SHORTCUTS, MESSAGE_SHORTCUTS
from tests.harness import PROJECT_ROOT, AppHarness

SCHEMA = Path(__file__).parent.parent / "data" / "manifest.schema.1.0.0.json"


def manifest() -> dict[str, Any]:
    return dict(yaml.safe_load((PROJECT_ROOT / "manifest.yml").read_text(encoding="utf-8")))


def test_manifest_matches_slacks_schema() -> None:
    jsonschema.validate(manifest(), json.loads(SCHEMA.read_text(encoding="utf-8")))


def test_manifest_needs_a_request_url_or_socket_mode() -> None:
    settings = manifest()["settings"]
    assert settings["socket_mode_enabled"] or settings["event_subscriptions"].get("request_url")


def test_declared_commands_shortcuts_and_events_are_exactly_the_handled_ones() -> None:
    features = manifest()["features"]
    assert {c["command"] for c in features["slash_commands"]} == set(COMMANDS)
    shortcuts = features["shortcuts"]
    assert {s["callback_id"] for s in shortcuts if s["type"] == "global"} == set(GLOBAL_SHORTCUTS)
    assert {s["callback_id"] for s in shortcuts if s["type"] == "message"} == set(MESSAGE_SHORTCUTS)
    declared = set(manifest()["settings"]["event_subscriptions"]["bot_events"])
    assert declared == set(EVENTS) | set(MESSAGE_EVENTS)


def test_every_declared_entry_point_reaches_a_listener(app: AppHarness) -> None:
    """Bolt answers 404 to a request no listener takes: each declared one must get 200."""
    features = manifest()["features"]
    for command in features["slash_commands"]:
        assert app.sender.command(command["command"], "help").status == 200
    for shortcut in features["shortcuts"]:
        if shortcut["type"] == "global":
            payload = app.sender.global_shortcut(shortcut["callback_id"])
        else:
            payload = app.sender.message_shortcut(
                shortcut["callback_id"],
                message={"type": "message", "text": "x", "ts": "1.000001", "user": "U0CUST"},
                channel_id="C0GENERAL1",
            )
        assert app.sender.interaction(payload).status == 200
    for event_type in manifest()["settings"]["event_subscriptions"]["bot_events"]:
        event = {"type": event_type, "user": "U0OTHER001", "channel": "C0DESK0001", "tab": "home"}
        if event_type.startswith("message."):  # message.im arrives as type "message"
            event = {"type": "message", "channel_type": event_type.split(".")[1], "user": "U0X",
                     "channel": "DU0X", "text": "hi", "ts": "1.000001"}  # fmt: skip
        assert app.sender.event(event).status == 200


def test_scopes_cover_the_methods_the_app_calls() -> None:
    scopes = set(manifest()["oauth_config"]["scopes"]["bot"])
    needed = {"commands", "chat:write", "im:write", "users:read", "groups:read", "groups:history"}
    needed |= {"im:history", "files:read", "files:write", "reactions:write"}  # the conversation
    assert needed <= scopes
