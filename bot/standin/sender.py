"""Deliver signed requests to the app the way Slack does, and build Slack's inbound payloads."""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import date, datetime
from datetime import time as dtime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode, urlsplit

if TYPE_CHECKING:
    from .server import SlackStandIn

__all__ = ["SenderResponse", "SlackRequestSender", "build_state_values", "sign_request"]

_UNSET: Any = object()
_TEXT_VALUE = ("plain_text_input", "email_text_input", "url_text_input", "number_input")
_ONE_OPTION = ("static_select", "external_select", "radio_buttons", "overflow")
_MANY_OPTIONS = ("multi_static_select", "multi_external_select", "checkboxes")
# element type -> (state key, initial_* key); single ids and lists of ids
_ID_VALUES = {
    "users_select": ("selected_user", "initial_user"),
    "multi_users_select": ("selected_users", "initial_users"),
    "conversations_select": ("selected_conversation", "initial_conversation"),
    "multi_conversations_select": ("selected_conversations", "initial_conversations"),
    "channels_select": ("selected_channel", "initial_channel"),
    "multi_channels_select": ("selected_channels", "initial_channels"),
    "rich_text_input": ("rich_text_value", "initial_value"),
    "file_input": ("files", "initial_files"),
}
_STATEFUL = {
    *_TEXT_VALUE, *_ONE_OPTION, *_MANY_OPTIONS, *_ID_VALUES,
    "datepicker", "timepicker", "datetimepicker",
} - {"overflow"}  # fmt: skip


def sign_request(secret: str, timestamp: int, body: bytes) -> str:
    """Slack's ``X-Slack-Signature``: ``v0=HMAC_SHA256(secret, "v0:{ts}:{body}")``."""
    base = f"v0:{timestamp}:".encode() + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class SenderResponse:
    """The app's answer: status, headers (lower-case keys), body text, elapsed seconds."""

    status: int
    headers: dict[str, str]
    text: str
    elapsed: float

    def json(self) -> Any:
        return json.loads(self.text)


def _options(element: dict[str, Any]) -> list[dict[str, Any]]:
    groups = element.get("option_groups") or []
    return [*element.get("options", []), *(o for g in groups for o in g.get("options", []))]


def _option(element: dict[str, Any], raw: Any) -> dict[str, Any] | None:
    if raw is None or isinstance(raw, dict):
        return raw
    if element["type"].endswith("external_select"):
        return {"text": {"type": "plain_text", "text": str(raw), "emoji": True}, "value": str(raw)}
    for option in _options(element):
        if option.get("value") == raw:
            return dict(option)
    raise ValueError(f"{element.get('action_id')}: no option with value {raw!r}")


def element_state(element: dict[str, Any], raw: Any = _UNSET) -> dict[str, Any]:
    """The ``state.values`` entry of one element for the user's input ``raw`` (unset: initial)."""
    kind = element["type"]
    entry: dict[str, Any] = {"type": kind}
    if kind in _TEXT_VALUE:
        raw = element.get("initial_value") if raw is _UNSET else raw
        entry["value"] = None if raw in (None, "") else str(raw)  # empty input arrives as null
    elif kind in _ONE_OPTION:
        raw = element.get("initial_option") if raw is _UNSET else raw
        entry["selected_option"] = _option(element, raw)
    elif kind in _MANY_OPTIONS:
        raw = element.get("initial_options", []) if raw is _UNSET else raw
        entry["selected_options"] = [_option(element, v) for v in raw or []]
    elif kind in _ID_VALUES:
        key, initial = _ID_VALUES[kind]
        default: Any = [] if kind.startswith("multi") or kind == "file_input" else None
        entry[key] = element.get(initial, default) if raw is _UNSET else raw
    elif kind == "datepicker":
        raw = element.get("initial_date") if raw is _UNSET else raw
        raw = raw.date() if isinstance(raw, datetime) else raw
        entry["selected_date"] = raw.isoformat() if isinstance(raw, date) else raw
    elif kind == "timepicker":
        raw = element.get("initial_time") if raw is _UNSET else raw
        entry["selected_time"] = raw.strftime("%H:%M") if isinstance(raw, dtime) else raw
    elif kind == "datetimepicker":
        raw = element.get("initial_date_time") if raw is _UNSET else raw
        entry["selected_date_time"] = int(raw.timestamp()) if isinstance(raw, datetime) else raw
    return entry


def _elements(block: dict[str, Any]) -> list[dict[str, Any]]:
    if block.get("type") == "input" and isinstance(block.get("element"), dict):
        return [block["element"]]
    if block.get("type") == "section" and isinstance(block.get("accessory"), dict):
        return [block["accessory"]]
    if block.get("type") == "actions":
        return list(block.get("elements") or [])
    return []


def _ids(i: int, j: int, block: dict[str, Any], element: dict[str, Any]) -> tuple[str, str]:
    # Slack generates ids for blocks/elements sent without them; make ours stable.
    return block.get("block_id") or f"b{i}", element.get("action_id") or f"a{i}_{j}"


def build_state_values(blocks: list[dict[str, Any]], values: dict[str, Any]) -> dict[str, Any]:
    """Build ``view.state.values`` for ``blocks`` as Slack does: every stateful element (input
    blocks, section accessories, actions elements) gets an entry; ``values`` maps an action_id or
    block_id (or ``{block_id: {action_id: v}}``) to what the user entered, e.g. a string for
    plain_text_input, an option *value* (or list of them) for selects/radio/checkboxes, user ids
    for users_select, ``date``/``time``/``datetime`` (or Slack's strings/epoch) for pickers.
    Elements not mentioned keep their ``initial_*`` value or are unset (null / [])."""
    state: dict[str, dict[str, Any]] = {}
    used: set[str] = set()
    for i, block in enumerate(blocks):
        for j, element in enumerate(_elements(block)):
            if element.get("type") not in _STATEFUL:
                continue
            bid, aid = _ids(i, j, block, element)
            raw, key = _UNSET, None
            if isinstance(values.get(bid), dict) and aid in values[bid]:
                raw, key = values[bid][aid], bid
            elif aid in values:
                raw, key = values[aid], aid
            elif bid in values and block.get("type") != "actions":
                raw, key = values[bid], bid
            if key is not None:
                used.add(key)
            state.setdefault(bid, {})[aid] = element_state(element, raw)
    unknown = set(values) - used
    if unknown:
        raise ValueError(f"values name no stateful element: {sorted(unknown)}")
    return state


def _find_element(
    blocks: list[dict[str, Any]], action_id: str
) -> tuple[str, dict[str, Any]] | None:
    for i, block in enumerate(blocks):
        for j, element in enumerate(_elements(block)):
            bid, aid = _ids(i, j, block, element)
            if aid == action_id:
                return bid, element
    return None


class _Connections(threading.local):
    conn: http.client.HTTPConnection | None = None


class SlackRequestSender:
    """Sends signed HTTP requests to the app exactly as Slack does, and builds their payloads.

    Usage::

        sender = SlackRequestSender("http://127.0.0.1:3000/slack/events", "secret", standin=slack)
        r = sender.command("/harassment", "help", user_id="U1", channel_id="C1")
        assert r.status == 200
        payload = sender.view_submission(slack.views[view_id], {"summary_a": "..."}, "U1")
        sender.interaction(payload)
        sender.event({"type": "app_home_opened", "user": "U1", "tab": "home"}, retry_num=1)

    Slash commands go form-encoded, interactions as ``payload=<json>``, events as a JSON
    ``event_callback`` envelope. Every send method takes ``forge_signature=True`` (sign with a
    wrong secret) and ``stale_timestamp=True`` (10 minutes old) for 401 tests. With ``standin``
    linked, trigger_ids are fresh ones from it (so views.open works) and block_actions can look
    up the message it acts on; without one they are syntactically valid but unknown ids.
    Connections are kept alive per thread, so one sender can be shared by benchmark threads.
    """

    def __init__(
        self,
        url: str,
        signing_secret: str,
        *,
        standin: SlackStandIn | None = None,
        user_id: str = "U0001",
        channel_id: str = "C0001",
        team_id: str = "T0001",
        team_domain: str = "standin",
        api_app_id: str = "A0001",
        verification_token: str = "verification_token",
        timeout: float = 10.0,
    ) -> None:
        self.url, self.signing_secret, self.standin = url, signing_secret, standin
        self.user_id, self.channel_id = user_id, channel_id
        self.team_id, self.team_domain, self.api_app_id = team_id, team_domain, api_app_id
        self.verification_token, self.timeout = verification_token, timeout
        parts = urlsplit(url)
        self._host, self._port = parts.hostname or "127.0.0.1", parts.port or 80
        self._path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        self._local = _Connections()
        self._all: list[http.client.HTTPConnection] = []
        self._lock = threading.Lock()

    def close(self) -> None:
        with self._lock:
            for conn in self._all:
                conn.close()
            self._all.clear()

    def __enter__(self) -> SlackRequestSender:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ----------------------------------------------------------------- transport
    def send(
        self,
        body: bytes | str,
        content_type: str,
        *,
        headers: dict[str, str] | None = None,
        forge_signature: bool = False,
        stale_timestamp: bool = False,
        timestamp: int | None = None,
    ) -> SenderResponse:
        """POST a raw ``body``, signed (see the class docstring for the signing options)."""
        data = body.encode("utf-8") if isinstance(body, str) else body
        ts = int(time.time()) - (600 if stale_timestamp else 0) if timestamp is None else timestamp
        secret = self.signing_secret + ("-forged" if forge_signature else "")
        all_headers = {
            "Content-Type": content_type,
            "User-Agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
            "X-Slack-Request-Timestamp": str(ts),
            "X-Slack-Signature": sign_request(secret, ts, data),
            **(headers or {}),
        }
        started = time.perf_counter()
        for attempt in (1, 2):
            conn = self._local.conn
            reused = conn is not None
            if conn is None:
                conn = http.client.HTTPConnection(self._host, self._port, timeout=self.timeout)
                self._local.conn = conn
                with self._lock:
                    self._all.append(conn)
            try:
                conn.request("POST", self._path, body=data, headers=all_headers)
                resp = conn.getresponse()
                text = resp.read().decode("utf-8", "replace")
                break
            except (http.client.RemoteDisconnected, ConnectionError, BrokenPipeError):
                conn.close()
                self._local.conn = None
                if not reused or attempt == 2:
                    raise
            except BaseException:
                # A timeout leaves the answer in flight on this connection: reused, it would
                # hand that stale answer to the next request (one person got another's case
                # reference in the kill -9 test). Never reuse a connection after an error.
                conn.close()
                self._local.conn = None
                raise
        resp_headers = {k.lower(): v for k, v in resp.getheaders()}
        return SenderResponse(resp.status, resp_headers, text, time.perf_counter() - started)

    def _trigger(self, trigger_id: str | None, user_id: str) -> str:
        if trigger_id:
            return trigger_id
        if self.standin is not None:
            return self.standin.new_trigger_id(user_id)
        return f"{int(time.time() * 1000)}.{secrets.randbelow(10**10)}.{secrets.token_hex(16)}"

    def _response_url(self, kind: str) -> str:
        if self.standin is not None:
            return self.standin.new_response_url()
        rid = secrets.token_hex(8)
        return f"https://hooks.slack.com/{kind}/{self.team_id}/{rid}/{rid}"

    def _user(self, user_id: str) -> dict[str, Any]:
        known = self.standin.users.get(user_id) if self.standin else None
        name = known["name"] if known else user_id.lower()
        return {"id": user_id, "username": name, "name": name, "team_id": self.team_id}

    def _team(self) -> dict[str, Any]:
        return {"id": self.team_id, "domain": self.team_domain}

    def _channel(self, channel_id: str) -> dict[str, Any]:
        known = self.standin.channels.get(channel_id) if self.standin else None
        return {"id": channel_id, "name": known.name if known else channel_id.lower()}

    # ----------------------------------------------------------------- deliveries
    def command(
        self,
        command: str = "/harassment",
        text: str = "",
        *,
        user_id: str | None = None,
        channel_id: str | None = None,
        trigger_id: str | None = None,
        forge_signature: bool = False,
        stale_timestamp: bool = False,
        **extra: str,
    ) -> SenderResponse:
        """Deliver a slash command, form-encoded (``extra`` adds/overrides form fields)."""
        payload = self.command_payload(
            command, text, user_id=user_id, channel_id=channel_id, trigger_id=trigger_id, **extra
        )
        return self.send(
            urlencode(payload),
            "application/x-www-form-urlencoded",
            forge_signature=forge_signature,
            stale_timestamp=stale_timestamp,
        )

    def interaction(
        self,
        payload: dict[str, Any],
        *,
        forge_signature: bool = False,
        stale_timestamp: bool = False,
    ) -> SenderResponse:
        """Deliver an interactivity payload as the form field ``payload=<json>``."""
        return self.send(
            urlencode({"payload": json.dumps(payload, ensure_ascii=False)}),
            "application/x-www-form-urlencoded",
            forge_signature=forge_signature,
            stale_timestamp=stale_timestamp,
        )

    def event(
        self,
        event: dict[str, Any],
        *,
        event_id: str | None = None,
        retry_num: int | None = None,
        retry_reason: str | None = None,
        forge_signature: bool = False,
        stale_timestamp: bool = False,
    ) -> SenderResponse:
        """Deliver an Events API ``event_callback`` (JSON); retries carry X-Slack-Retry-*."""
        headers = {}
        if retry_num is not None:
            headers["X-Slack-Retry-Num"] = str(retry_num)
            headers["X-Slack-Retry-Reason"] = retry_reason or "http_timeout"
        return self.send(
            json.dumps(self.event_envelope(event, event_id=event_id), ensure_ascii=False),
            "application/json",
            headers=headers,
            forge_signature=forge_signature,
            stale_timestamp=stale_timestamp,
        )

    # ----------------------------------------------------------------- DMs to the bot
    def dm_event(self, message: dict[str, Any], channel: str | None = None) -> dict[str, Any]:
        """The ``message.im`` event Slack sends for a stored message (``post_user_message``'s
        result, or a bot post to test that the app ignores its own messages)."""
        channel = channel or message["channel"]
        skip = ("channel", "reactions", "reply_count", "reply_users", "reply_users_count")
        event = {k: v for k, v in message.items() if k not in skip and k != "latest_reply"}
        return {**event, "channel": channel, "event_ts": message["ts"], "channel_type": "im"}

    def _standin(self) -> SlackStandIn:
        if self.standin is None:
            raise ValueError("DM helpers need a linked stand-in")
        return self.standin

    def send_dm(
        self,
        user_id: str,
        text: str,
        *,
        thread_ts: str | None = None,
        files: list[dict[str, Any]] | None = None,
        event_id: str | None = None,
    ) -> tuple[SenderResponse, dict[str, Any]]:
        """``user_id`` writes ``text`` (wire-encoded, as Slack sends it) to the bot, in the DM
        thread ``thread_ts`` or outside any thread, with ``files`` (file objects or stubs): the
        message is stored in the stand-in (so reactions.add / chat.delete see it) and delivered
        as a signed ``message.im`` event. Returns the app's answer and the stored message."""
        message = self._standin().post_user_message(user_id, text, thread_ts=thread_ts, files=files)
        return self.event(self.dm_event(message), event_id=event_id), message

    def message_changed_event(
        self, channel: str, ts: str, text: str, *, hidden: bool = True
    ) -> dict[str, Any]:
        """The user edits message ``ts``: stand-in state updated, ``message_changed`` built."""
        change = self._standin().edit_user_message(channel, ts, text)
        edit_ts = change["message"]["edited"]["ts"]
        return {
            "type": "message",
            "subtype": "message_changed",
            "message": {**change["message"], "ts": ts},
            "previous_message": change["previous_message"],
            "channel": channel,
            "hidden": hidden,
            "ts": edit_ts,
            "event_ts": edit_ts,
            "channel_type": "im",
        }

    def message_deleted_event(self, channel: str, ts: str) -> dict[str, Any]:
        """The user deletes message ``ts``: removed from the stand-in, ``message_deleted`` built."""
        previous = self._standin().delete_user_message(channel, ts)
        now = f"{time.time():.6f}"
        return {
            "type": "message",
            "subtype": "message_deleted",
            "previous_message": previous,
            "channel": channel,
            "hidden": True,
            "deleted_ts": ts,
            "event_ts": now,
            "ts": now,
            "channel_type": "im",
        }

    def url_verification(self, challenge: str = "challenge-token") -> SenderResponse:
        body = {"token": self.verification_token, "challenge": challenge}
        body["type"] = "url_verification"
        return self.send(json.dumps(body), "application/json")

    # ----------------------------------------------------------------- payload builders
    def command_payload(
        self,
        command: str = "/harassment",
        text: str = "",
        *,
        user_id: str | None = None,
        channel_id: str | None = None,
        trigger_id: str | None = None,
        **extra: str,
    ) -> dict[str, str]:
        """Slash command fields (also the ``slash_commands`` Socket Mode payload)."""
        user_id, channel_id = user_id or self.user_id, channel_id or self.channel_id
        return {
            "token": self.verification_token,
            "team_id": self.team_id,
            "team_domain": self.team_domain,
            "channel_id": channel_id,
            "channel_name": self._channel(channel_id)["name"],
            "user_id": user_id,
            "user_name": self._user(user_id)["name"],
            "command": command,
            "text": text,
            "api_app_id": self.api_app_id,
            "is_enterprise_install": "false",
            "response_url": self._response_url("commands"),
            "trigger_id": self._trigger(trigger_id, user_id),
            **extra,
        }

    def event_envelope(
        self, event: dict[str, Any], *, event_id: str | None = None
    ) -> dict[str, Any]:
        """The ``event_callback`` envelope (also the ``events_api`` Socket Mode payload)."""
        now = int(time.time())
        event = {"event_ts": f"{time.time():.6f}", **event}
        bot = self.standin.BOT_USER_ID if self.standin else "UBOT"
        return {
            "token": self.verification_token,
            "team_id": self.team_id,
            "api_app_id": self.api_app_id,
            "event": event,
            "type": "event_callback",
            "event_id": event_id or f"Ev{secrets.token_hex(5).upper()}",
            "event_time": now,
            "authorizations": [
                {
                    "enterprise_id": None,
                    "team_id": self.team_id,
                    "user_id": bot,
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
            "is_ext_shared_channel": False,
            "event_context": f"4-{secrets.token_hex(12)}",
        }

    def _view(self, view: dict[str, Any] | str) -> dict[str, Any]:
        if isinstance(view, str):
            if self.standin is None or view not in self.standin.views:
                raise ValueError(f"unknown view id {view!r}")
            return self.standin.views[view]
        return view

    def _full_view(self, view: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
        view_id = view.get("id") or f"V{secrets.token_hex(5).upper()}"
        return {
            "id": view_id,
            "team_id": self.team_id,
            "type": "modal",
            "private_metadata": "",
            "callback_id": "",
            "hash": f"{int(time.time())}.{secrets.token_hex(4)}",
            "clear_on_close": False,
            "notify_on_close": False,
            "previous_view_id": None,
            "root_view_id": view_id,
            "app_id": self.api_app_id,
            "external_id": "",
            "app_installed_team_id": self.team_id,
            "bot_id": "BBOT",
            **view,
            "state": {"values": build_state_values(view.get("blocks") or [], values)},
        }

    def view_submission(
        self,
        view: dict[str, Any] | str,
        values: dict[str, Any] | None = None,
        user_id: str | None = None,
        *,
        trigger_id: str | None = None,
        response_urls: list[dict[str, Any]] | None = None,
    ) -> dict[str, Any]:
        """A ``view_submission`` payload for ``view`` (a view dict, e.g. ``standin.views[id]``, or
        a view id known to the linked stand-in) with ``view.state.values`` built from ``values``
        (see :func:`build_state_values`)."""
        user_id = user_id or self.user_id
        return {
            "type": "view_submission",
            "team": self._team(),
            "user": self._user(user_id),
            "api_app_id": self.api_app_id,
            "token": self.verification_token,
            "trigger_id": self._trigger(trigger_id, user_id),
            "view": self._full_view(self._view(view), values or {}),
            "response_urls": response_urls or [],
            "is_enterprise_install": False,
            "enterprise": None,
        }

    def view_closed(
        self, view: dict[str, Any] | str, user_id: str | None = None, *, is_cleared: bool = False
    ) -> dict[str, Any]:
        """A ``view_closed`` payload (sent only for views with ``notify_on_close``)."""
        return {
            "type": "view_closed",
            "team": self._team(),
            "user": self._user(user_id or self.user_id),
            "api_app_id": self.api_app_id,
            "token": self.verification_token,
            "view": self._full_view(self._view(view), {}),
            "is_cleared": is_cleared,
            "is_enterprise_install": False,
            "enterprise": None,
        }

    def block_actions(
        self,
        action_id: str,
        block_id: str | None = None,
        value: Any = None,
        user_id: str | None = None,
        channel_id: str | None = None,
        message_ts: str | None = None,
        view: dict[str, Any] | str | None = None,
        *,
        message: dict[str, Any] | None = None,
        values: dict[str, Any] | None = None,
        action_type: str = "button",
        trigger_id: str | None = None,
        is_ephemeral: bool = False,
    ) -> dict[str, Any]:
        """A ``block_actions`` payload for a click/selection on ``action_id``.

        The element is looked up in ``view`` (modal/home) or in the message (``message``, or
        ``channel_id`` + ``message_ts`` from the linked stand-in) to fill in block_id, type and
        button text; ``value`` is the button's value or the user's selection (same forms as
        :func:`build_state_values`). ``values`` sets the other inputs of a view's state. If the
        element cannot be found, ``block_id`` and ``action_type`` are used as given."""
        user_id = user_id or self.user_id
        full_view = self._view(view) if view is not None else None
        if message is None and full_view is None and self.standin and channel_id and message_ts:
            message = self.standin.find_message(channel_id, message_ts)
        blocks = (full_view or message or {}).get("blocks") or []
        found = _find_element(blocks, action_id)
        action: dict[str, Any] = {"action_id": action_id, "block_id": block_id or ""}
        action["type"] = action_type
        element = found[1] if found else None
        if found is None or element is None:
            if value is not None:
                action["value"] = value
        else:
            action["block_id"] = found[0]
            action["type"] = element["type"]
            if element["type"] == "button":
                action["text"] = element.get("text")
                if value is not None or "value" in element:
                    action["value"] = value if value is not None else element["value"]
            else:
                state = element_state(element, _UNSET if value is None else value)
                action.update({k: v for k, v in state.items() if k != "type"})
        action["action_ts"] = f"{time.time():.6f}"
        payload: dict[str, Any] = {
            "type": "block_actions",
            "user": self._user(user_id),
            "api_app_id": self.api_app_id,
            "token": self.verification_token,
            "trigger_id": self._trigger(trigger_id, user_id),
            "team": self._team(),
            "enterprise": None,
            "is_enterprise_install": False,
            "actions": [action],
        }
        if full_view is not None:
            merged = dict(values or {})
            if element and element["type"] in _STATEFUL and value is not None:
                merged.setdefault(action_id, value)
            payload["container"] = {"type": "view", "view_id": full_view.get("id")}
            payload["view"] = self._full_view(full_view, merged)
        else:
            channel_id = channel_id or self.channel_id
            ts = message_ts or (message or {}).get("ts") or ""
            payload["container"] = {
                "type": "message",
                "message_ts": ts,
                "channel_id": channel_id,
                "is_ephemeral": is_ephemeral,
            }
            payload["channel"] = self._channel(channel_id)
            if message is not None:
                payload["message"] = message
                payload["state"] = {"values": build_state_values(blocks, values or {})}
            payload["response_url"] = self._response_url("actions")
        return payload

    def message_shortcut(
        self,
        callback_id: str,
        message: dict[str, Any],
        channel_id: str | None = None,
        user_id: str | None = None,
        *,
        trigger_id: str | None = None,
    ) -> dict[str, Any]:
        """A ``message_action`` payload (message shortcut) on ``message`` (needs its ``ts``)."""
        user_id, channel_id = user_id or self.user_id, channel_id or self.channel_id
        user = self._user(user_id)
        return {
            "type": "message_action",
            "token": self.verification_token,
            "action_ts": f"{time.time():.6f}",
            "team": self._team(),
            "user": {"id": user_id, "name": user["name"]},
            "channel": self._channel(channel_id),
            "is_enterprise_install": False,
            "enterprise": None,
            "callback_id": callback_id,
            "trigger_id": self._trigger(trigger_id, user_id),
            "message_ts": message["ts"],
            "message": message,
            "response_url": self._response_url("app"),
        }

    def global_shortcut(
        self, callback_id: str, user_id: str | None = None, *, trigger_id: str | None = None
    ) -> dict[str, Any]:
        """A global ``shortcut`` payload."""
        user_id = user_id or self.user_id
        user = self._user(user_id)
        return {
            "type": "shortcut",
            "token": self.verification_token,
            "action_ts": f"{time.time():.6f}",
            "team": self._team(),
            "user": {"id": user_id, "username": user["name"], "team_id": self.team_id},
            "is_enterprise_install": False,
            "enterprise": None,
            "callback_id": callback_id,
            "trigger_id": self._trigger(trigger_id, user_id),
        }
