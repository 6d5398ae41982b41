"""What a well-formed request from Slack looks like, checked before Bolt sees it.

Bolt trusts the shape of a correctly signed body: a `payload` that is not a JSON object, an
event that is a string or a slash command without `user_id` make it (or a listener) raise, and
the answer is HTTP 500. Slack never sends such bodies, so anything that does is a client bug or
a probe: it gets 400 with a short reason, and no listener runs.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from slack_sdk.signature import SignatureVerifier

# 1 MiB, enforced by waitress before it reads a body. Slack publishes no inbound size limit;
# the largest legitimate bodies this app can get, measured in tests/test_ops_transport.py, are
# a message shortcut on a 40,000-character Japanese message (about 0.72 MB form-encoded) and
# the report form with every field full (about 0.1 MB).
MAX_BODY_BYTES = 1024 * 1024
Kind = type | tuple[type, ...]


class Rejected(Exception):
    """The request is refused before dispatch with `status` (400, 401 or 413)."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def verify_signature(
    secret: str, body: bytes, timestamp: str | None, signature: str | None
) -> None:
    """Slack's v0 signature (slack_sdk's verifier), guarded against the inputs it would raise on:
    a timestamp that is not a number and a body that is not UTF-8 cannot come from Slack."""
    if (
        not timestamp
        or not signature
        or not (timestamp.isascii() and timestamp.isdigit())
        or len(timestamp) > 12
        or not signature.isascii()
    ):
        raise Rejected(401, "missing or malformed signature headers")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise Rejected(401, "invalid signature") from None
    if not SignatureVerifier(secret).is_valid(text, timestamp, signature):
        raise Rejected(401, "invalid or stale signature")


@dataclass(frozen=True)
class CheckedBody:
    """A body that passed `check_body`: its kind (`command`, an interactivity payload's type,
    `event`, `url_verification`, `other`), its text, its form fields (None for JSON), and
    `parsed`, what Bolt's `parse_body` makes of it (the JSON body, the payload, or the form)."""

    kind: str
    text: str
    form: Mapping[str, str] | None
    parsed: dict[str, Any]


def check_body(body: bytes, content_type: str) -> CheckedBody:
    """Raise `Rejected(400, …)` unless the body has the shape of something Slack sends."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise Rejected(400, "body is not UTF-8") from None
    # The same decisions as Bolt's `parse_body` (slack_bolt/request/internals.py), so that we
    # check what its listeners get, and `parsed` can be handed to Bolt instead of parsing twice.
    if content_type.split(";")[0] == "application/json" or text.startswith("{"):
        parsed = _json(text, "body")
        _check_json_body(parsed)
        kind = parsed.get("type")
        kind_name = "event" if kind == "event_callback" else str(kind or "other")
        return CheckedBody(kind_name, text, None, parsed)
    # Parsed once: a report form's body is about 26 KB with 6,500 percent escapes, and
    # `parse_qsl` takes 1.2 ms over it (`python -m bench`'s submission).
    form = dict(parse_qsl(text, keep_blank_values=True))
    payload = form.get("payload")
    if payload is not None:
        checked = _json(payload, "payload")
        _check_payload(checked)
        return CheckedBody(str(checked.get("type")), text, form, checked)
    if "command" in form:
        for name in ("command", "user_id", "trigger_id"):
            if not form.get(name):
                raise Rejected(400, f"slash command without {name}")
        return CheckedBody("command", text, form, dict(form))
    return CheckedBody("other", text, form, dict(form))


# The letter `p` percent-encoded: the same form field once decoded, but no longer the word.
_ESCAPED_PAYLOAD = "%70ayload"


def shield_form_from_bolt(text: str, form: Mapping[str, str] | None = None) -> str | None:
    """A form body that contains the word `payload` anywhere (a channel named `payload-team`, a
    user name, a command's text) but has no `payload` field, rewritten so that Bolt parses it.

    slack-bolt's `parse_body` (slack_bolt/request/internals.py) takes any non-JSON body containing
    the substring "payload" for an interactivity payload, finds no `payload` field and parses it
    as `{}`: no listener matches and the person gets a 404. Percent-encoding the `p` keeps every
    field's decoded value; None when the body needs no rewrite. `form` is the body as
    `check_body` parsed it, so that it is not parsed again.
    """
    if text.startswith("{") or "payload" not in text:
        return None
    fields = form if form is not None else dict(parse_qsl(text, keep_blank_values=True))
    if "payload" in fields:
        return None
    return text.replace("payload", _ESCAPED_PAYLOAD)


def _json(text: str, what: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        raise Rejected(400, f"{what} is not JSON") from None
    if not isinstance(value, dict):
        raise Rejected(400, f"{what} is not a JSON object")
    return value


def _require(
    container: Mapping[str, Any], key: str, kind: type | tuple[type, ...], where: str
) -> Any:
    value = container.get(key)
    if not isinstance(value, kind):
        raise Rejected(400, f"{where}.{key} is missing or has the wrong type")
    return value


def _optional(
    container: Mapping[str, Any], key: str, kind: type | tuple[type, ...], where: str
) -> None:
    if key in container and container[key] is not None and not isinstance(container[key], kind):
        raise Rejected(400, f"{where}.{key} has the wrong type")


def _check_json_body(body: dict[str, Any]) -> None:
    kind = body.get("type")
    if kind == "event_callback":
        event = _require(body, "event", dict, "body")
        event_type = _require(event, "type", str, "event")
        _optional(body, "event_id", str, "body")
        for key in ("channel", "subtype", "ts", "event_ts"):
            _optional(event, key, str, "event")
        # team_join carries the whole user object; every other event a user id.
        _optional(event, "user", (str, dict) if event_type == "team_join" else str, "event")
    elif kind == "url_verification":
        _require(body, "challenge", str, "body")


def _check_payload(payload: dict[str, Any]) -> None:
    kind = payload.get("type")
    if not isinstance(kind, str):
        raise Rejected(400, "payload.type is missing")
    if kind not in (
        "view_submission",
        "view_closed",
        "block_actions",
        "shortcut",
        "message_action",
    ):
        return  # Bolt answers 404 for what no listener handles; nothing of ours runs
    user = _require(payload, "user", dict, "payload")
    _require(user, "id", str, "payload.user")
    for key in ("team", "channel", "container", "message", "enterprise"):
        _optional(payload, key, dict, "payload")
    _optional(payload, "response_url", str, "payload")
    if kind in ("view_submission", "view_closed"):
        _check_view(_require(payload, "view", dict, "payload"))
        return
    _require(payload, "trigger_id", str, "payload")
    if kind == "block_actions":
        actions = _require(payload, "actions", list, "payload")
        if not actions:
            raise Rejected(400, "payload.actions is empty")
        for action in actions:
            if not isinstance(action, dict):
                raise Rejected(400, "payload.actions holds a non-object")
            _require(action, "action_id", str, "action")
            _optional(action, "block_id", str, "action")
            _optional(action, "value", str, "action")
        if "view" in payload and payload["view"] is not None:
            _check_view(_require(payload, "view", dict, "payload"))
        _optional(payload, "state", dict, "payload")
        return
    _require(payload, "callback_id", str, "payload")
    if kind == "message_action":
        message = _require(payload, "message", dict, "payload")
        _optional(message, "text", str, "message")
        _require(message, "ts", str, "message")
        _require(_require(payload, "channel", dict, "payload"), "id", str, "payload.channel")


def _check_view(view: dict[str, Any]) -> None:
    # Bolt reads view["type"] without a default (a KeyError, HTTP 500); Slack always sends it.
    _require(view, "type", str, "view")
    for key in ("id", "callback_id", "private_metadata", "hash"):
        _optional(view, key, str, "view")
    _optional(view, "blocks", list, "view")
    state = view.get("state")
    if state is None:
        return
    if not isinstance(state, dict):
        raise Rejected(400, "view.state has the wrong type")
    values = state.get("values", {})
    if not isinstance(values, dict):
        raise Rejected(400, "view.state.values has the wrong type")
    for block in values.values():
        if not isinstance(block, dict) or not all(isinstance(v, dict) for v in block.values()):
            raise Rejected(400, "view.state.values holds a non-object")
