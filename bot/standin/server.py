"""The Slack Web API stand-in: a real HTTP (+ Socket Mode WebSocket) server on 127.0.0.1."""

from __future__ import annotations

import base64
import contextlib
import json
import math
import secrets
import socket
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from email.message import Message
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import parse_qsl, urlsplit
from zoneinfo import ZoneInfo

import yaml

from .blockkit import (
    invalid_blocks_response,
    invalid_view_response,
    limit,
    validate_message_blocks,
    validate_view,
)
from .files import FilesMixin
from .websocket import WebSocketConnection, accept_key

T = TypeVar("T")
_JSON_ARGS = ("blocks", "attachments", "view", "metadata", "files")
# The app's manifest: its bot scopes are what the stand-in grants (missing_scope otherwise).
MANIFEST = Path(__file__).resolve().parents[2] / "manifest.yml"
_CONVERSATION_KINDS = ("channels", "groups", "im", "mpim")
# Required args that Slack reports with a method-specific error instead of invalid_arguments.
_MISSING_ARG_ERRORS = {
    "channel": "channel_not_found",
    "user": "user_not_found",
    "ts": "message_not_found",
    "message_ts": "message_not_found",
    "usergroup": "no_such_subteam",
    "name": "invalid_name",
    "timestamp": "no_item_specified",
}
# Methods implemented here but absent from data/methods (no spec copied): their required args.
_EXTRA_REQUIRED = {
    "conversations.history": ["token", "channel"],
    "conversations.replies": ["token", "channel", "ts"],
}


class SlackError(Exception):
    """Raised inside a method implementation: answer ``{"ok": false, "error": error, **extra}``."""

    def __init__(self, error: str, **extra: Any) -> None:
        super().__init__(error)
        self.body: dict[str, Any] = {"ok": False, "error": error, **extra}

    @classmethod
    def from_body(cls, body: dict[str, Any]) -> SlackError:
        extra = {k: v for k, v in body.items() if k not in ("ok", "error")}
        return cls(body["error"], **extra)


@dataclass(frozen=True)
class Call:
    """One recorded Web API call. ``args`` are decoded (JSON strings such as ``blocks`` parsed)."""

    method: str
    args: dict[str, Any]
    status: int
    response: dict[str, Any]
    time: float
    token: str | None = None


@dataclass(frozen=True)
class SocketAck:
    """An acknowledgement the app sent back over Socket Mode (``payload`` is its response body)."""

    envelope_id: str
    payload: Any
    time: float


@dataclass
class Channel:
    """A conversation. ``messages`` are top-level (oldest first), ``threads`` map ts -> replies."""

    id: str
    name: str
    is_private: bool = True
    members: list[str] = field(default_factory=list)
    bot_is_member: bool = True
    is_im: bool = False
    user: str | None = None
    is_archived: bool = False
    created: int = field(default_factory=lambda: int(time.time()))
    messages: list[dict[str, Any]] = field(default_factory=list)
    by_ts: dict[str, dict[str, Any]] = field(default_factory=dict)
    threads: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def info(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "is_channel": not self.is_private and not self.is_im,
            "is_group": self.is_private and not self.is_im,
            "is_im": self.is_im,
            "is_private": self.is_private or self.is_im,
            "is_member": self.bot_is_member,
            "is_archived": self.is_archived,
            "created": self.created,
            **({"user": self.user} if self.is_im else {"num_members": len(self.member_ids())}),
        }

    def member_ids(self) -> list[str]:
        extra = [SlackStandIn.BOT_USER_ID] if self.bot_is_member else []
        return list(dict.fromkeys([*self.members, *extra]))


@dataclass
class _Fault:
    method: str | None
    status: int
    error: str
    retry_after: int
    remaining: int | None


@cache
def _method_specs() -> dict[str, list[str]]:
    folder = resources.files(__package__).joinpath("data/methods")
    specs = dict(_EXTRA_REQUIRED)
    for entry in folder.iterdir():
        if entry.name.endswith(".json"):
            spec = json.loads(entry.read_text("utf-8"))
            specs[entry.name[: -len(".json")]] = spec["args"].get("required", [])
    return specs


@cache
def _method_scopes() -> dict[str, list[str]]:
    """Bot scopes per method (any one of them suffices; conversation methods pick by type)."""
    folder = resources.files(__package__).joinpath("data/methods")
    scopes: dict[str, list[str]] = {}
    for entry in folder.iterdir():
        if entry.name.endswith(".json"):
            spec = json.loads(entry.read_text("utf-8"))
            scopes[entry.name[: -len(".json")]] = list((spec.get("scope") or {}).get("bot") or [])
    return scopes


def manifest_scopes(path: Path = MANIFEST) -> frozenset[str] | None:
    """The bot scopes `manifest.yml` asks for; None when there is no manifest (no checking)."""
    if not path.exists():
        return None

    manifest = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return frozenset(((manifest.get("oauth_config") or {}).get("scopes") or {}).get("bot") or [])


def _has_file_input(view: Any) -> bool:
    blocks = view.get("blocks") if isinstance(view, dict) else None
    return any(
        isinstance(b, dict)
        and isinstance(b.get("element"), dict)
        and b["element"].get("type") == "file_input"
        for b in blocks or []
    )


@cache
def _socket_hello() -> dict[str, Any]:
    text = resources.files(__package__).joinpath("data/socket_mode.envelopes.json").read_text()
    hello: dict[str, Any] = json.loads(text)["payload"]["hello"]
    return hello


def _missing_arg(name: str) -> dict[str, Any]:
    error = _MISSING_ARG_ERRORS.get(name, "invalid_arguments")
    if error != "invalid_arguments":
        return {"ok": False, "error": error}
    messages = [f"[ERROR] missing required field: {name}"]
    return {"ok": False, "error": error, "response_metadata": {"messages": messages}}


def _with_ids(blocks: Any) -> Any:
    """A copy of ``blocks`` where, as Slack does, blocks and elements lacking ids get one."""
    if not isinstance(blocks, list):
        return blocks
    blocks = json.loads(json.dumps(blocks))
    for block in blocks:
        if isinstance(block, dict):
            block.setdefault("block_id", secrets.token_urlsafe(3))
            kids = [block.get("element"), block.get("accessory"), *(block.get("elements") or [])]
            for el in kids:
                if isinstance(el, dict) and el.get("type") not in ("image", "mrkdwn", "plain_text"):
                    el.setdefault("action_id", secrets.token_urlsafe(3))
    return blocks


def _truthy(value: Any) -> bool:
    return value in (True, 1, "1", "true", "True")


def _decode_cursor(cursor: Any) -> int:
    if not cursor:
        return 0
    try:
        kind, _, offset = base64.b64decode(str(cursor)).decode().partition(":")
        if kind != "offset":
            raise ValueError(kind)
        return int(offset)
    except ValueError as exc:
        raise SlackError("invalid_cursor") from exc


def _page(items: list[T], args: Mapping[str, Any], default: int = 100) -> tuple[list[T], str]:
    start = _decode_cursor(args.get("cursor"))
    try:
        size = int(args.get("limit") or default)
    except ValueError as exc:
        raise SlackError("invalid_limit") from exc
    size = max(1, min(size, 1000))
    end = start + size
    nxt = base64.b64encode(f"offset:{end}".encode()).decode() if end < len(items) else ""
    return items[start:end], nxt


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    request_queue_size = 256
    standin: SlackStandIn
    open_sockets: set[Any]

    def process_request(self, request: Any, client_address: Any) -> None:
        self.open_sockets.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        self.open_sockets.discard(request)
        super().shutdown_request(request)

    def close_all(self) -> None:
        """Stop serving and drop keep-alive connections too."""
        self.shutdown()
        self.server_close()
        for sock in list(self.open_sockets):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        self._api()

    def do_GET(self) -> None:
        if self.headers.get("Upgrade", "").lower() == "websocket":
            self.close_connection = True
            self.server.standin._serve_websocket(self)
        else:
            self._api()

    def _api(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        url = urlsplit(self.path)
        if url.path.startswith("/hooks/"):
            self.reply(*self.server.standin._handle_hook(self.path, body))
            return
        if url.path.startswith(("/upload/", "/files-pri/", "/signin")):
            self.reply(*self.server.standin._handle_file_http(self.path, self.headers, body))
            return
        if not url.path.startswith("/api/"):
            self.reply(404, {}, b"not found")
            return
        status, headers, payload = self.server.standin._handle(
            url.path[len("/api/") :], self.headers, url.query, body
        )
        self.reply(status, headers, payload)

    def reply(self, status: int, headers: Mapping[str, str], body: bytes) -> None:
        head = [f"HTTP/1.1 {status} {self.responses.get(status, ('',))[0]}"]
        head += [f"{k}: {v}" for k, v in headers.items()]
        head += [f"Content-Length: {len(body)}", "", ""]
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # client gave up
            self.wfile.write("\r\n".join(head).encode("latin-1") + body)


class SlackStandIn(FilesMixin):
    """A local, stateful Slack Web API + Socket Mode server for tests, benchmarks and playgrounds.

    Usage::

        with SlackStandIn() as slack:            # or slack.start() ... slack.stop()
            slack.add_user("U1", "aiko", tz="Asia/Tokyo", locale="ja-JP")
            slack.add_channel("C1", "desk", members=["U1"])
            client = WebClient(token=slack.bot_token, base_url=slack.api_url)
            client.chat_postMessage(channel="C1", text="hi")
            assert slack.messages("C1")[0]["text"] == "hi"

    Every call is recorded in ``calls`` (see :class:`Call`). Faults: :meth:`fail`,
    :meth:`outage` / :meth:`set_down` (every method answers HTTP 500 ``internal_error``; the port
    keeps accepting connections), :meth:`set_latency`, :meth:`rate_limit_per_channel`. Socket Mode:
    ``apps.connections.open`` (needs ``app_token``) hands out a ``ws://`` URL on the same port;
    :meth:`push_socket_event` sends envelopes, acks land in ``socket_acks``.

    One instance can serve a whole session: :meth:`reset` forgets state, calls and faults. With
    Socket Mode, close the app's handler before :meth:`stop`, or its client keeps reconnecting.

    Slack's rules kept: a private channel the bot is not in is ``channel_not_found``, a public
    one ``not_in_channel``; ``channel=<user id>`` posts to the bot's DM ``"D" + user id``;
    conversations.members includes the bot; blocks and elements sent without ids get generated
    ``block_id``/``action_id`` (as Slack returns them). A reused trigger_id answers
    ``exchanged_trigger_id`` (Slack's code), an expired one ``expired_trigger_id``, an unknown one
    ``invalid_trigger_id``. Stricter than Slack: a ``thread_ts`` naming no message answers
    ``thread_not_found``. A ``thread_ts`` naming a reply (chat.postMessage, and
    files.completeUploadExternal) is what Slack's specs tell apps not to send ("Avoid using a
    reply's ``ts`` value; use its parent instead") but Slack accepts it, with no error code for
    it: the stand-in accepts it too (the message goes in the parent's thread, as in Slack) and
    records a :attr:`violations` entry, which fails the test when the ``with`` block ends.
    Scopes: a method (or a download) needing a bot scope that ``scopes``
    (default: the bot scopes of the project's ``manifest.yml``) lacks answers ``missing_scope``
    with Slack's ``needed``/``provided``; conversation methods need the scope of the channel's
    type (``groups:history`` for a private channel, ``im:history`` for a DM). ``chat.delete``
    deletes only the bot's own messages (``cant_delete_message``, and a violation: the app is to
    try only what it posted). Files: see ``files.py``.
    :meth:`new_response_url` URLs (the sender uses them) record POSTs as
    calls to ``"response_url"``. Returned messages/views are the live stored dicts: do not mutate.
    """

    TEAM_ID = "T0001"
    TEAM_NAME = "Stand-in Workspace"
    TEAM_URL = "https://standin.slack.com/"
    BOT_USER_ID = "UBOT"
    BOT_ID = "BBOT"
    BOT_NAME = "harassment-desk"
    APP_ID = "A0001"

    def __init__(
        self,
        *,
        bot_token: str = "xoxb-test-token",
        app_token: str = "xapp-test-token",
        host: str = "127.0.0.1",
        port: int = 0,
        trigger_ttl: float = 3.0,
        scopes: frozenset[str] | set[str] | str | None = "manifest",
    ) -> None:
        self.bot_token, self.app_token = bot_token, app_token
        self.scopes = (
            manifest_scopes()
            if scopes == "manifest"
            else (frozenset(scopes) if scopes is not None and not isinstance(scopes, str) else None)
        )
        self.host, self.port, self.trigger_ttl = host, port, trigger_ttl
        self._lock = threading.RLock()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._sockets: list[WebSocketConnection] = []
        self._calls: list[Call] = []
        self._acks: list[SocketAck] = []
        self._faults: list[_Fault] = []
        self._latency: dict[str | None, float] = {}
        # Answers computed at once but delivered late (a slow network after Slack answered):
        # method -> seconds; `early_answers` lists the methods answered so, in order.
        self._answer_delay: dict[str, float] = {}
        self.early_answers: list[str] = []
        self._down = False
        # What Slack accepts silently but its specs forbid: kept across reset() so that a
        # session-wide stand-in still fails the run; see take_violations().
        self._violations: list[str] = []
        self._rate: tuple[int, float] | None = None
        self._rate_windows: dict[str, deque[float]] = {}
        self._methods: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
            name: getattr(self, "_m_" + name.replace(".", "_"))
            for name in [*_method_specs(), "conversations.history", "conversations.replies"]
            if hasattr(self, "_m_" + name.replace(".", "_"))
        }
        self.reset()

    # ----------------------------------------------------------------- lifecycle
    def start(self) -> SlackStandIn:
        """Bind (a free port unless ``port`` was given) and serve in a daemon thread."""
        if self._server is None:
            server = _Server((self.host, self.port), _Handler)
            server.standin, server.open_sockets = self, set()
            self._server, self.port = server, server.server_address[1]
            self._thread = threading.Thread(
                target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        """Close Socket Mode connections and the server."""
        for conn in list(self._sockets):
            conn.close()
        if self._server is not None:
            self._server.close_all()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> SlackStandIn:
        return self.start()

    def __exit__(self, exc_type: object, *exc: object) -> None:
        self.stop()
        if exc_type is None and self._violations:
            raise AssertionError(
                "the app broke Slack's rules (calls its specs forbid, answered or not): "
                + "; ".join(self.take_violations())
            )

    @property
    def violations(self) -> list[str]:
        """Calls Slack's specs forbid (one line each): those Slack accepts anyway (a reply's ts
        as a thread's parent) and those the app must not try (deleting what it did not post)."""
        with self._lock:
            return list(self._violations)

    def take_violations(self) -> list[str]:
        """The violations so far, forgotten (a test of the rule itself takes them)."""
        with self._lock:
            taken, self._violations = self._violations, []
            return taken

    def _thread_parent(self, ch: Channel, thread_ts: str, method: str) -> dict[str, Any]:
        """The parent a post's ``thread_ts`` leads to; a reply's ts is a violation."""
        named = ch.by_ts.get(thread_ts)
        if named is None:
            raise SlackError("thread_not_found")
        parent_ts = named.get("thread_ts", named["ts"])
        if parent_ts != named["ts"]:
            self._violations.append(
                f"{method}: thread_ts {thread_ts} in {ch.id} names a reply (its parent is "
                f"{parent_ts}); Slack's spec: use the parent's ts"
            )
        return ch.by_ts[parent_ts]

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/"

    @property
    def api_url(self) -> str:
        """Base URL for ``WebClient(base_url=...)``: ``http://127.0.0.1:PORT/api/``."""
        return f"{self.url}api/"

    def reset(self) -> None:
        """Forget all workspace state, calls, acks and faults (the server keeps running)."""
        with self._lock:
            self.users: dict[str, dict[str, Any]] = {}
            self.channels: dict[str, Channel] = {}
            self.usergroups: dict[str, list[str]] = {}
            self.views: dict[str, dict[str, Any]] = {}
            self._home: dict[str, str] = {}
            self._stacks: dict[str | None, list[str]] = {}
            self._triggers: dict[str, tuple[float, str | None]] = {}
            self._used_triggers: set[str] = set()
            self._ephemerals: dict[str, list[dict[str, Any]]] = {}
            self._tickets: set[str] = set()
            self._last_ts_us = 0
            self._seq = 0
            self._calls.clear()
            self._acks.clear()
            self._reset_files()
            self.clear_faults()
            self.add_user(self.BOT_USER_ID, self.BOT_NAME, is_bot=True, bot_id=self.BOT_ID)

    # ----------------------------------------------------------------- state helpers
    def add_user(
        self,
        user_id: str,
        name: str | None = None,
        *,
        real_name: str | None = None,
        tz: str = "Asia/Tokyo",
        locale: str = "ja-JP",
        is_bot: bool = False,
        is_admin: bool = False,
        email: str | None = None,
        deleted: bool = False,
        **extra: Any,
    ) -> dict[str, Any]:
        """Add (or replace) a user; ``tz_offset``/``tz_label`` are derived from ``tz``."""
        now = datetime.now(ZoneInfo(tz))
        offset = now.utcoffset()
        name = name or user_id.lower()
        real_name = real_name or name
        user = {
            "id": user_id,
            "team_id": self.TEAM_ID,
            "name": name,
            "real_name": real_name,
            "deleted": deleted,
            "tz": tz,
            "tz_label": now.tzname(),
            "tz_offset": int(offset.total_seconds()) if offset else 0,
            "is_bot": is_bot,
            "is_admin": is_admin,
            "is_app_user": False,
            "profile": {"real_name": real_name, "display_name": name, "email": email},
            "locale": locale,
            **extra,
        }
        with self._lock:
            self.users[user_id] = user
        return user

    def add_channel(
        self,
        channel_id: str,
        name: str | None = None,
        *,
        is_private: bool = True,
        members: list[str] | tuple[str, ...] = (),
        bot_is_member: bool = True,
        is_archived: bool = False,
    ) -> Channel:
        """Add a channel. Private channels the bot is not in are invisible (channel_not_found)."""
        channel = Channel(
            id=channel_id,
            name=name or channel_id.lower(),
            is_private=is_private,
            members=list(members),
            bot_is_member=bot_is_member,
            is_archived=is_archived,
        )
        with self._lock:
            self.channels[channel_id] = channel
        return channel

    def add_usergroup(self, usergroup_id: str, users: list[str]) -> None:
        with self._lock:
            self.usergroups[usergroup_id] = list(users)

    def dm_channel(self, user_id: str) -> Channel:
        """The bot's DM with ``user_id`` (``"D" + user_id``), created on first use."""
        with self._lock:
            cid = "D" + user_id
            if cid not in self.channels:
                channel = Channel(cid, cid.lower(), members=[user_id], is_im=True, user=user_id)
                self.channels[cid] = channel
            return self.channels[cid]

    def new_response_url(self) -> str:
        """A response_url served here: POSTs to it are recorded as calls to ``"response_url"``."""
        return f"{self.url}hooks/{secrets.token_hex(8)}"

    def new_trigger_id(self, user_id: str | None = None) -> str:
        """Issue a trigger_id, valid for ``trigger_ttl`` seconds and one views.open/push."""
        with self._lock:
            self._seq += 1
            trigger = f"{self._seq}.{int(time.time())}.{secrets.token_hex(16)}"
            self._triggers[trigger] = (time.monotonic(), user_id)
            return trigger

    def messages(self, channel: str) -> list[dict[str, Any]]:
        """Top-level messages of a channel (or of the DM with a user id), oldest first."""
        with self._lock:
            ch = self.channels.get(channel) or self.channels.get("D" + channel)
            return list(ch.messages) if ch else []

    def replies(self, channel: str, thread_ts: str) -> list[dict[str, Any]]:
        """Replies in a thread (without the parent), oldest first."""
        with self._lock:
            ch = self.channels.get(channel)
            return list(ch.threads.get(thread_ts, [])) if ch else []

    def find_message(self, channel: str, ts: str) -> dict[str, Any] | None:
        with self._lock:
            ch = self.channels.get(channel)
            return ch.by_ts.get(ts) if ch else None

    def dms(self, user_id: str) -> list[dict[str, Any]]:
        """Messages the bot posted in its DM with ``user_id``."""
        return self.messages("D" + user_id)

    def ephemerals(self, user_id: str) -> list[dict[str, Any]]:
        """Ephemeral messages shown to ``user_id`` (each with ``channel``, ``text``, ``blocks``)."""
        with self._lock:
            return list(self._ephemerals.get(user_id, []))

    def home_view(self, user_id: str) -> dict[str, Any] | None:
        """The App Home view last published for ``user_id``."""
        with self._lock:
            view_id = self._home.get(user_id)
            return self.views.get(view_id) if view_id else None

    def modal_stack(self, user_id: str | None) -> list[dict[str, Any]]:
        """Modals opened/pushed with triggers issued for ``user_id`` (root first)."""
        with self._lock:
            return [self.views[v] for v in self._stacks.get(user_id, [])]

    # ----------------------------------------------------------------- recording
    @property
    def calls(self) -> list[Call]:
        with self._lock:
            return list(self._calls)

    def calls_to(self, method: str) -> list[Call]:
        with self._lock:
            return [c for c in self._calls if c.method == method]

    def clear_calls(self) -> None:
        with self._lock:
            self._calls.clear()

    def wait_for(
        self, predicate: Callable[[], T | None], timeout: float = 5.0, interval: float = 0.01
    ) -> T:
        """Poll ``predicate()`` until it returns something truthy (returned); else TimeoutError."""
        deadline = time.monotonic() + timeout
        while True:
            result = predicate()
            if result:
                return result
            if time.monotonic() >= deadline:
                raise TimeoutError(f"condition not met within {timeout}s")
            time.sleep(interval)

    # ----------------------------------------------------------------- faults
    def fail(
        self,
        method: str | None,
        *,
        status: int | None = None,
        error: str | None = None,
        retry_after: int = 1,
        times: int | None = 1,
    ) -> None:
        """Make the next ``times`` calls (``None``: all, until :meth:`clear_faults`) to ``method``
        (``None``: any method) fail. ``error="ratelimited"`` answers HTTP 429 with a whole-second
        ``Retry-After``; another ``error`` answers HTTP 200 ``{"ok": false, "error": error}``;
        otherwise HTTP ``status`` (default 500) with ``internal_error``."""
        if error == "ratelimited":
            status = status or 429
        elif error is None:
            status, error = status or 500, "internal_error"
        with self._lock:
            self._faults.append(_Fault(method, status or 200, error, retry_after, times))

    def clear_faults(self) -> None:
        """Remove injected faults, latency, outage and rate limits."""
        with self._lock:
            self._faults.clear()
            self._latency.clear()
            self._answer_delay.clear()
            self._down = False
            self._rate = None
            self._rate_windows.clear()

    def set_down(self, down: bool = True) -> None:
        """While down every Web API method answers HTTP 500 ``internal_error``."""
        with self._lock:
            self._down = down

    @contextlib.contextmanager
    def outage(self) -> Iterator[None]:
        self.set_down(True)
        try:
            yield
        finally:
            self.set_down(False)

    def set_latency(self, method: str | None, seconds: float) -> None:
        """Delay answers of ``method`` (``None``: every method without its own latency)."""
        with self._lock:
            self._latency[method] = seconds

    def delay_answers(self, method: str, seconds: float) -> None:
        """Compute ``method``'s answer on arrival but deliver it ``seconds`` later: the answer
        describes the state when the call came in (``0`` switches it off)."""
        with self._lock:
            self._answer_delay[method] = seconds

    def post_as_user(
        self, channel_id: str, user_id: str, text: str, thread_ts: str | None = None
    ) -> str:
        """A person (not the bot) posts ``text`` in ``channel_id`` (or in a thread); its ts."""
        with self._lock:
            ch = self.channels[channel_id]
            ts = self._next_ts()
            msg: dict[str, Any] = {"type": "message", "user": user_id, "text": text, "ts": ts}
            ch.by_ts[ts] = msg
            if thread_ts:
                msg["thread_ts"] = thread_ts
                ch.threads.setdefault(thread_ts, []).append(msg)
                ch.by_ts[thread_ts]["reply_count"] = len(ch.threads[thread_ts])
            else:
                ch.messages.append(msg)
        return ts

    def remove_member(self, channel_id: str, user_id: str) -> None:
        """``user_id`` leaves ``channel_id`` (Slack then sends ``member_left_channel``)."""
        with self._lock:
            members = self.channels[channel_id].members
            if user_id in members:
                members.remove(user_id)

    def rate_limit_per_channel(self, max_calls: int | None, per_seconds: float = 1.0) -> None:
        """Allow ``max_calls`` chat.postMessage per channel per sliding ``per_seconds`` window,
        answering 429 ``ratelimited`` + ``Retry-After`` beyond it; ``None`` switches it off."""
        with self._lock:
            self._rate = (max_calls, per_seconds) if max_calls else None
            self._rate_windows.clear()

    # ----------------------------------------------------------------- Socket Mode
    @property
    def socket_acks(self) -> list[SocketAck]:
        with self._lock:
            return list(self._acks)

    def socket_connected(self) -> bool:
        return any(not s.closed for s in list(self._sockets))

    def push_socket_event(
        self,
        envelope_type: str,
        payload: dict[str, Any],
        *,
        envelope_id: str | None = None,
        accepts_response_payload: bool | None = None,
        retry_attempt: int = 0,
        retry_reason: str = "",
        timeout: float = 5.0,
    ) -> str:
        """Send an envelope (``slash_commands``, ``interactive``, ``events_api``) to the newest
        Socket Mode connection, waiting up to ``timeout`` for one; returns the envelope_id."""
        envelope_id = envelope_id or str(uuid.uuid4())
        if accepts_response_payload is None:
            accepts_response_payload = envelope_type == "slash_commands" or payload.get("type") in (
                "view_submission",
                "block_suggestion",
            )
        envelope: dict[str, Any] = {
            "envelope_id": envelope_id,
            "payload": payload,
            "type": envelope_type,
            "accepts_response_payload": accepts_response_payload,
        }
        if envelope_type == "events_api":
            envelope.update(retry_attempt=retry_attempt, retry_reason=retry_reason)
        conn = self.wait_for(
            lambda: next((s for s in reversed(list(self._sockets)) if not s.closed), None), timeout
        )
        conn.send_text(json.dumps(envelope))
        return envelope_id

    def wait_for_ack(self, envelope_id: str, timeout: float = 5.0) -> SocketAck:
        def find() -> SocketAck | None:
            return next((a for a in self.socket_acks if a.envelope_id == envelope_id), None)

        return self.wait_for(find, timeout)

    def disconnect_sockets(self, reason: str = "refresh_requested") -> None:
        """Send Slack's ``disconnect`` message to every connection, then close them."""
        for conn in list(self._sockets):
            with contextlib.suppress(OSError, ConnectionError):
                conn.send_text(json.dumps({"type": "disconnect", "reason": reason}))
            conn.close()

    def _serve_websocket(self, handler: _Handler) -> None:
        query = dict(parse_qsl(urlsplit(handler.path).query))
        key = handler.headers.get("Sec-WebSocket-Key")
        if not key or query.get("ticket") not in self._tickets:
            handler.reply(403, {"Connection": "close"}, b"invalid ticket")
            return
        handler.wfile.write(
            (
                "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                f"Sec-WebSocket-Accept: {accept_key(key)}\r\n\r\n"
            ).encode()
        )
        conn = WebSocketConnection(handler.connection, handler.rfile, handler.path)
        with self._lock:
            self._sockets.append(conn)
            live = sum(not s.closed for s in self._sockets)
        hello = {
            **_socket_hello(),
            "num_connections": live,
            "connection_info": {"app_id": self.APP_ID},
        }
        try:
            conn.send_text(json.dumps(hello))
            while (text := conn.receive()) is not None:
                with contextlib.suppress(ValueError):
                    message = json.loads(text)
                    if isinstance(message, dict) and "envelope_id" in message:
                        ack = SocketAck(message["envelope_id"], message.get("payload"), time.time())
                        with self._lock:
                            self._acks.append(ack)
        except (OSError, ConnectionError):
            pass
        finally:
            conn.close()
            with self._lock:
                self._sockets.remove(conn)

    # ----------------------------------------------------------------- HTTP dispatch
    def _handle_hook(self, path: str, body: bytes) -> tuple[int, dict[str, str], bytes]:
        """A POST to a response_url: recorded as a ``"response_url"`` call (args incl. ``url``)."""
        args: dict[str, Any] = {"url": self.url.rstrip("/") + path}
        response: dict[str, Any]
        status, response = 200, {"ok": True}
        try:
            posted = json.loads(body or b"{}")
            args.update(posted)
            errors = validate_message_blocks(posted["blocks"]) if "blocks" in posted else []
            if errors:
                status, response = 400, invalid_blocks_response(errors)
        except (ValueError, TypeError):
            args["body"] = body.decode("utf-8", "replace")
            status, response = 400, {"ok": False, "error": "invalid_payload"}
        if self._down:
            status, response = 500, {"ok": False, "error": "internal_error"}
        return self._finish("response_url", args, None, time.time(), status, response)

    def _handle(
        self, method: str, headers: Message, query: str, body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        started = time.time()
        args: dict[str, Any] = dict(parse_qsl(query, keep_blank_values=True))
        ctype = headers.get("Content-Type", "")
        try:
            if body and "json" in ctype:
                args.update(json.loads(body))
            elif body:
                args.update(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
        except (ValueError, UnicodeDecodeError, TypeError):
            bad = {"ok": False, "error": "invalid_json"}
            return self._finish(method, args, None, started, 200, bad)
        for key in _JSON_ARGS:
            if isinstance(args.get(key), str) and args[key][:1] in ("[", "{"):
                with contextlib.suppress(ValueError):
                    args[key] = json.loads(args[key])
        auth = headers.get("Authorization", "")
        token = auth[7:].strip() if auth.startswith("Bearer ") else args.get("token")
        args.pop("token", None)

        with self._lock:
            delay = self._latency.get(method, self._latency.get(None, 0.0))
        if delay:
            time.sleep(delay)
        status, extra_headers, response = self._respond(method, args, token)
        with self._lock:
            late = self._answer_delay.get(method, 0.0)
            if late:
                self.early_answers.append(method)
        if late:
            time.sleep(late)
        return self._finish(method, args, token, started, status, response, extra_headers)

    def _finish(
        self,
        method: str,
        args: dict[str, Any],
        token: str | None,
        started: float,
        status: int,
        response: dict[str, Any],
        extra_headers: dict[str, str] | None = None,
    ) -> tuple[int, dict[str, str], bytes]:
        body = json.dumps(response, ensure_ascii=False)
        snapshot = json.loads(body)  # what went over the wire, immune to later state changes
        with self._lock:
            self._calls.append(Call(method, args, status, snapshot, started, token))
        headers = {"Content-Type": "application/json; charset=utf-8", **(extra_headers or {})}
        return status, headers, body.encode("utf-8")

    def _respond(
        self, method: str, args: dict[str, Any], token: str | None
    ) -> tuple[int, dict[str, str], dict[str, Any]]:
        faulted = self._take_fault(method)
        if faulted is not None:
            return faulted
        impl = self._methods.get(method)
        if impl is None:
            return 200, {}, {"ok": False, "error": "unknown_method", "req_method": method}
        if not token:
            return 200, {}, {"ok": False, "error": "not_authed"}
        if token not in (self.bot_token, self.app_token):
            return 200, {}, {"ok": False, "error": "invalid_auth"}
        if (token == self.app_token) != (method == "apps.connections.open"):
            return 200, {}, {"ok": False, "error": "not_allowed_token_type"}
        with self._lock:
            missing = self._missing_scope(method, args)
        if missing is not None:
            return 200, {}, missing
        for name in _method_specs().get(method, []):
            if name != "token" and args.get(name) in (None, ""):
                return 200, {}, _missing_arg(name)
        if method == "chat.postMessage" and self._rate:
            retry = self._rate_check(str(args["channel"]))
            if retry:
                return 429, {"Retry-After": str(retry)}, {"ok": False, "error": "ratelimited"}
        try:
            with self._lock:
                return 200, {}, impl(args)
        except SlackError as exc:
            return 200, {}, exc.body
        except Exception as exc:  # a bug here must not take the server down
            return 500, {}, {"ok": False, "error": "internal_error", "detail": repr(exc)}

    def _take_fault(self, method: str) -> tuple[int, dict[str, str], dict[str, Any]] | None:
        with self._lock:
            if self._down:
                return 500, {}, {"ok": False, "error": "internal_error"}
            for fault in self._faults:
                if fault.method in (None, method):
                    if fault.remaining is not None:
                        fault.remaining -= 1
                        if fault.remaining <= 0:
                            self._faults.remove(fault)
                    hdrs = {"Retry-After": str(fault.retry_after)} if fault.status == 429 else {}
                    return fault.status, hdrs, {"ok": False, "error": fault.error}
        return None

    def _missing_scope(self, method: str, args: Mapping[str, Any]) -> dict[str, Any] | None:
        if self.scopes is None:
            return None
        needed = list(_method_scopes().get(method) or [])
        if method.startswith("views.") and _has_file_input(args.get("view")):
            needed = ["files:read"]  # "your app must have the files:read scope" (file_input)
        if len(needed) > 1 and all(s.split(":")[0] in _CONVERSATION_KINDS for s in needed):
            kind = self._conversation_kind(args)
            needed = [s for s in needed if s.split(":")[0] == kind] or needed
        if not needed or any(s in self.scopes for s in needed):
            return None
        return {
            "ok": False,
            "error": "missing_scope",
            "needed": ",".join(needed),
            "provided": ",".join(sorted(self.scopes)),
        }

    def _conversation_kind(self, args: Mapping[str, Any]) -> str | None:
        if not args.get("channel") and args.get("users"):
            return "im"
        cid = str(args.get("channel") or "").lstrip("#")
        ch = self.channels.get(cid) or (self.channels.get("D" + cid) if cid in self.users else None)
        if ch is None:
            return None
        return "im" if ch.is_im else ("groups" if ch.is_private else "channels")

    def _handle_file_http(
        self, path: str, headers: Message, body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        """Uploads to an upload_url (POST), downloads of url_private(_download) (GET)."""
        started = time.time()
        route = urlsplit(path).path
        if route.startswith("/signin"):
            page = b"<!DOCTYPE html><html><body>Sign in to Stand-in Workspace</body></html>"
            return 200, {"Content-Type": "text/html; charset=utf-8"}, page
        method = "files.upload" if route.startswith("/upload/") else "files.download"
        with self._lock:
            delay = self._latency.get(method, 0.0)
        if delay:
            time.sleep(delay)
        token: str | None = None
        faulted = self._take_fault(method)
        if faulted is not None:
            status, hdrs, response = faulted
            record: dict[str, Any] = {"url": path}
            payload = json.dumps(response).encode()
            hdrs = {"Content-Type": "application/json", **hdrs}
        elif method == "files.upload":
            status, hdrs, payload, record = self._handle_upload(path, headers, body)
        else:
            status, hdrs, payload, record, token = self._handle_download(path, headers)
        response = {"status": status, "bytes": len(payload)}
        with self._lock:
            self._calls.append(Call(method, record, status, response, started, token))
        return status, hdrs, payload

    def _rate_check(self, channel: str) -> int:
        assert self._rate is not None
        max_calls, per = self._rate
        now = time.monotonic()
        with self._lock:
            window = self._rate_windows.setdefault(channel, deque())
            while window and window[0] <= now - per:
                window.popleft()
            if len(window) >= max_calls:
                return max(1, math.ceil(window[0] + per - now))
            window.append(now)
            return 0

    # ----------------------------------------------------------------- method helpers
    def _channel(self, cid: Any, *, member: bool = False, dm_users: bool = False) -> Channel:
        cid = str(cid).lstrip("#")
        ch = self.channels.get(cid)
        if ch is None and dm_users and cid in self.users:
            ch = self.dm_channel(cid)
        if ch is None:
            ch = next((c for c in self.channels.values() if c.name == cid and not c.is_im), None)
        if ch is None or (ch.is_private and not ch.bot_is_member):
            raise SlackError("channel_not_found")
        if member and not ch.bot_is_member:
            raise SlackError("not_in_channel")
        if member and ch.is_archived:
            raise SlackError("is_archived")
        return ch

    def _next_ts(self) -> str:
        self._last_ts_us = max(self._last_ts_us + 1, int(time.time() * 1_000_000))
        return f"{self._last_ts_us // 1_000_000}.{self._last_ts_us % 1_000_000:06d}"

    def _content(self, args: dict[str, Any]) -> dict[str, Any]:
        """Validate text/blocks/attachments/metadata; returns the message fields to store."""
        out: dict[str, Any] = {}
        blocks, text = args.get("blocks"), args.get("text")
        if blocks is not None and blocks != "":
            if not isinstance(blocks, list):
                raise SlackError("invalid_blocks_format")
            errors = validate_message_blocks(blocks)
            if errors:
                raise SlackError.from_body(invalid_blocks_response(errors))
            out["blocks"] = _with_ids(blocks)
        if isinstance(args.get("attachments"), list):
            if len(args["attachments"]) > limit("attachments per message"):
                raise SlackError("too_many_attachments")
            out["attachments"] = args["attachments"]
        if not text and not out:
            raise SlackError("no_text")
        if text is not None:
            out["text"] = str(text)
        if "metadata" in args and args["metadata"] not in (None, ""):
            meta = args["metadata"]
            if not isinstance(meta, dict) or "event_type" not in meta:
                raise SlackError("invalid_metadata_format")
            out["metadata"] = meta
        return out

    def _truncate(self, content: dict[str, Any]) -> dict[str, Any]:
        max_len = limit("message text")
        if len(content.get("text", "")) <= max_len:
            return {}
        content["text"] = content["text"][:max_len]
        return {
            "response_metadata": {
                "messages": [
                    "[WARN] Your message was truncated but still posted. "
                    "The `text` field accepts up to 40,000 characters."
                ],
                "warnings": ["message_truncated"],
            }
        }

    def _strip_meta(self, msgs: list[dict[str, Any]], args: Mapping[str, Any]) -> list[Any]:
        if _truthy(args.get("include_all_metadata")):
            return msgs
        return [{k: v for k, v in m.items() if k != "metadata"} for m in msgs]

    # ----------------------------------------------------------------- methods
    def _m_auth_test(self, args: dict[str, Any]) -> dict[str, Any]:
        return {
            "ok": True,
            "url": self.TEAM_URL,
            "team": self.TEAM_NAME,
            "user": self.BOT_NAME,
            "team_id": self.TEAM_ID,
            "user_id": self.BOT_USER_ID,
            "bot_id": self.BOT_ID,
            "is_enterprise_install": False,
        }

    def _m_apps_connections_open(self, args: dict[str, Any]) -> dict[str, Any]:
        ticket = str(uuid.uuid4())
        self._tickets.add(ticket)
        url = f"ws://{self.host}:{self.port}/link/?ticket={ticket}&app_id={self.APP_ID}"
        return {"ok": True, "url": url}

    def _m_users_info(self, args: dict[str, Any]) -> dict[str, Any]:
        user = self.users.get(str(args["user"]))
        if user is None:
            raise SlackError("user_not_found")
        if not _truthy(args.get("include_locale")):
            user = {k: v for k, v in user.items() if k != "locale"}
        return {"ok": True, "user": user}

    def _m_usergroups_users_list(self, args: dict[str, Any]) -> dict[str, Any]:
        if args["usergroup"] not in self.usergroups:
            raise SlackError("no_such_subteam")
        return {"ok": True, "users": list(self.usergroups[args["usergroup"]])}

    def _readable(self, cid: Any) -> Channel:
        """conversations.info / .members. The scope (channels:read for a public channel,
        groups:read for a private one) is checked with every method's in `_missing_scope`."""
        return self._channel(cid, dm_users=False)

    def _m_conversations_info(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "channel": self._readable(args["channel"]).info()}

    def _m_conversations_members(self, args: dict[str, Any]) -> dict[str, Any]:
        members, nxt = _page(self._readable(args["channel"]).member_ids(), args)
        return {"ok": True, "members": members, "response_metadata": {"next_cursor": nxt}}

    def _m_conversations_open(self, args: dict[str, Any]) -> dict[str, Any]:
        if args.get("channel"):
            ch = self._channel(args["channel"])
        else:
            users = [u for u in str(args.get("users") or "").split(",") if u]
            if not users:
                raise SlackError("users_list_not_supplied")
            if len(users) > 1:
                raise SlackError("method_not_supported_for_channel_type")
            if users[0] not in self.users:
                raise SlackError("user_not_found")
            if self.users[users[0]].get("deleted"):
                # A deactivated account (someone who left): Slack's `user_disabled`.
                raise SlackError("user_disabled")
            ch = self.dm_channel(users[0])
        info = ch.info() if _truthy(args.get("return_im")) else {"id": ch.id}
        return {"ok": True, "channel": info}

    def _m_conversations_history(self, args: dict[str, Any]) -> dict[str, Any]:
        ch = self._channel(args["channel"])
        inclusive = _truthy(args.get("inclusive"))
        oldest, latest = float(args.get("oldest") or 0), float(args.get("latest") or math.inf)

        def keep(m: dict[str, Any]) -> bool:
            ts = float(m["ts"])
            return (oldest <= ts <= latest) if inclusive else (oldest < ts < latest)

        msgs = [m for m in reversed(ch.messages) if keep(m)]
        page, nxt = _page(msgs, args)
        return {
            "ok": True,
            "messages": self._strip_meta(page, args),
            "has_more": bool(nxt),
            "response_metadata": {"next_cursor": nxt},
        }

    def _m_conversations_replies(self, args: dict[str, Any]) -> dict[str, Any]:
        ch = self._channel(args["channel"])
        msg = ch.by_ts.get(str(args["ts"]))
        if msg is None:
            raise SlackError("thread_not_found")
        parent = ch.by_ts[msg.get("thread_ts", msg["ts"])]
        page, nxt = _page([parent, *ch.threads.get(parent["ts"], [])], args, default=1000)
        return {
            "ok": True,
            "messages": self._strip_meta(page, args),
            "has_more": bool(nxt),
            "response_metadata": {"next_cursor": nxt},
        }

    def _m_chat_postMessage(self, args: dict[str, Any]) -> dict[str, Any]:
        ch = self._channel(args["channel"], member=True, dm_users=True)
        content = self._content(args)
        warning = self._truncate(content)
        thread_ts = str(args.get("thread_ts") or "") or None
        parent = self._thread_parent(ch, thread_ts, "chat.postMessage") if thread_ts else None
        msg: dict[str, Any] = {
            "type": "message",
            "user": self.BOT_USER_ID,
            "bot_id": self.BOT_ID,
            "app_id": self.APP_ID,
            "team": self.TEAM_ID,
            "text": "",
            **content,
        }
        self._append_message(ch, msg, parent)
        if parent is not None and _truthy(args.get("reply_broadcast")):
            msg["subtype"] = "thread_broadcast"
            ch.messages.append(msg)
        return {"ok": True, "channel": ch.id, "ts": msg["ts"], "message": msg, **warning}

    def _append_message(
        self,
        ch: Channel,
        msg: dict[str, Any],
        parent: dict[str, Any] | None,
        author: str | None = None,
    ) -> dict[str, Any]:
        """Store ``msg`` (given a fresh ts) at the top level or as a reply under ``parent``."""
        ts = self._next_ts()
        msg["ts"] = ts
        ch.by_ts[ts] = msg
        if parent is None:
            ch.messages.append(msg)
            return msg
        msg["thread_ts"] = parent["ts"]
        ch.threads.setdefault(parent["ts"], []).append(msg)
        users = list(dict.fromkeys([*parent.get("reply_users", []), author or self.BOT_USER_ID]))
        parent.update(
            thread_ts=parent["ts"],
            reply_count=parent.get("reply_count", 0) + 1,
            reply_users=users,
            reply_users_count=len(users),
            latest_reply=ts,
        )
        return msg

    def _remove_message(self, ch: Channel, ts: str) -> None:
        """Delete a message; a parent with replies stays as a tombstone, as in Slack."""
        msg = ch.by_ts[ts]
        parent_ts = msg.get("thread_ts")
        if parent_ts and parent_ts != ts:
            replies = ch.threads.get(parent_ts, [])
            ch.threads[parent_ts] = [m for m in replies if m["ts"] != ts]
            parent = ch.by_ts.get(parent_ts)
            if parent is not None:
                parent["reply_count"] = max(0, parent.get("reply_count", 1) - 1)
            if msg in ch.messages:
                ch.messages.remove(msg)
            del ch.by_ts[ts]
        elif ch.threads.get(ts):
            for key in [k for k in msg if k not in ("ts", "thread_ts", "reply_count", "type")]:
                del msg[key]
            msg.update(subtype="tombstone", text="This message was deleted.", user="USLACKBOT")
        else:
            ch.messages.remove(msg)
            del ch.by_ts[ts]

    def _m_chat_delete(self, args: dict[str, Any]) -> dict[str, Any]:
        ch = self._channel(args["channel"], member=True)
        msg = ch.by_ts.get(str(args["ts"]))
        if msg is None or msg.get("subtype") == "tombstone":
            raise SlackError("message_not_found")
        if msg.get("user") != self.BOT_USER_ID:  # a bot token deletes only the bot's messages
            # Refused, as Slack does; and recorded: the app deletes only what it posted, so
            # even a refused attempt means it took someone's message for its own.
            self._violations.append(
                f"chat.delete: {args['ts']} in {ch.id} is not the bot's message "
                "(cant_delete_message); the app must try only what it posted"
            )
            raise SlackError("cant_delete_message")
        self._remove_message(ch, str(args["ts"]))
        return {"ok": True, "channel": ch.id, "ts": str(args["ts"])}

    def _m_chat_update(self, args: dict[str, Any]) -> dict[str, Any]:
        ch = self._channel(args["channel"], member=True)
        msg = ch.by_ts.get(str(args["ts"]))
        if msg is None:
            raise SlackError("message_not_found")
        if msg.get("user") != self.BOT_USER_ID:
            raise SlackError("cant_update_message")
        content = self._content(args)
        warning = self._truncate(content)
        msg.update(content)
        msg["edited"] = {"user": self.BOT_USER_ID, "ts": self._next_ts()}
        return {
            "ok": True,
            "channel": ch.id,
            "ts": msg["ts"],
            "text": msg.get("text", ""),
            "message": msg,
            **warning,
        }

    def _m_chat_postEphemeral(self, args: dict[str, Any]) -> dict[str, Any]:
        ch = self._channel(args["channel"], member=True)
        user = str(args["user"])
        if user not in ch.member_ids():
            raise SlackError("user_not_in_channel")
        content = self._content(args)
        ts = self._next_ts()
        entry = {"channel": ch.id, "user": user, "ts": ts, **content}
        if args.get("thread_ts"):
            entry["thread_ts"] = str(args["thread_ts"])
        self._ephemerals.setdefault(user, []).append(entry)
        return {"ok": True, "message_ts": ts}

    def _m_chat_getPermalink(self, args: dict[str, Any]) -> dict[str, Any]:
        ch = self._channel(args["channel"])
        msg = ch.by_ts.get(str(args["message_ts"]))
        if msg is None:
            raise SlackError("message_not_found")
        link = f"{self.TEAM_URL}archives/{ch.id}/p{msg['ts'].replace('.', '')}"
        if "thread_ts" in msg and msg["thread_ts"] != msg["ts"]:
            link += f"?thread_ts={msg['thread_ts']}&cid={ch.id}"
        return {"ok": True, "channel": ch.id, "permalink": link}

    def _m_reactions_add(self, args: dict[str, Any]) -> dict[str, Any]:
        ch = self._channel(args["channel"])
        msg = ch.by_ts.get(str(args["timestamp"]))
        if msg is None:
            raise SlackError("message_not_found")
        name = str(args["name"]).strip(":")
        reactions = msg.setdefault("reactions", [])
        reaction = next((r for r in reactions if r["name"] == name), None)
        if reaction is None:
            reaction = {"name": name, "users": [], "count": 0}
            reactions.append(reaction)
        if self.BOT_USER_ID in reaction["users"]:
            raise SlackError("already_reacted")
        reaction["users"].append(self.BOT_USER_ID)
        reaction["count"] += 1
        return {"ok": True}

    # ----------------------------------------------------------------- views
    def _take_trigger(self, args: dict[str, Any]) -> str | None:
        trigger = args.get("trigger_id") or args.get("interactivity_pointer")
        if not trigger:
            raise SlackError.from_body(_missing_arg("trigger_id"))
        if trigger in self._used_triggers:
            raise SlackError("exchanged_trigger_id")
        if trigger not in self._triggers:
            raise SlackError("invalid_trigger_id")
        issued, user = self._triggers[trigger]
        if time.monotonic() - issued > self.trigger_ttl:
            raise SlackError("expired_trigger_id")
        self._used_triggers.add(trigger)
        return user

    def _view_arg(
        self, args: dict[str, Any], kind: str | None = None, view_id: str | None = None
    ) -> dict[str, Any]:
        view = args["view"]
        errors = validate_view(view)
        if not errors and kind and view.get("type") != kind:
            errors = [f"must be {kind} [json-pointer:/view/type]"]
        if errors:
            raise SlackError.from_body(invalid_view_response(errors))
        ext = view.get("external_id")
        if ext and any(
            v.get("external_id") == ext and v["id"] != view_id for v in self.views.values()
        ):
            raise SlackError("duplicate_external_id")
        return dict(view)

    def _store_view(
        self, view: dict[str, Any], view_id: str | None = None, *, previous: str | None = None
    ) -> dict[str, Any]:
        old = self.views.get(view_id or "")
        root = self.views[previous]["root_view_id"] if previous else None
        if view_id is None:
            self._seq += 1
            view_id = f"V{self._seq:010d}"
        stored = {
            "id": view_id,
            "team_id": self.TEAM_ID,
            "type": view.get("type"),
            "private_metadata": "",
            "callback_id": "",
            "state": old["state"] if old else {"values": {}},
            "clear_on_close": False,
            "notify_on_close": False,
            "external_id": "",
            **view,
            "blocks": _with_ids(view.get("blocks") or []),
            "hash": f"{int(time.time())}.{secrets.token_hex(4)}",
            "previous_view_id": old["previous_view_id"] if old else previous,
            "root_view_id": old["root_view_id"] if old else (root or view_id),
            "app_id": self.APP_ID,
            "app_installed_team_id": self.TEAM_ID,
            "bot_id": self.BOT_ID,
        }
        self.views[view_id] = stored
        return stored

    def _m_views_open(self, args: dict[str, Any]) -> dict[str, Any]:
        view = self._view_arg(args)
        user = self._take_trigger(args)
        stored = self._store_view(view)
        self._stacks[user] = [stored["id"]]
        return {"ok": True, "view": stored}

    def _m_views_push(self, args: dict[str, Any]) -> dict[str, Any]:
        view = self._view_arg(args)
        user = self._take_trigger(args)
        stack = self._stacks.setdefault(user, [])
        if len(stack) >= limit("views.push stack depth"):
            raise SlackError("push_limit_reached")
        stored = self._store_view(view, previous=stack[-1] if stack else None)
        stack.append(stored["id"])
        return {"ok": True, "view": stored}

    def _m_views_update(self, args: dict[str, Any]) -> dict[str, Any]:
        ext = args.get("external_id")
        view_id = args.get("view_id") or next(
            (v["id"] for v in self.views.values() if ext and v.get("external_id") == ext), None
        )
        if not view_id or view_id not in self.views:
            raise SlackError("not_found")
        view = self._view_arg(args, view_id=view_id)
        if args.get("hash") and args["hash"] != self.views[view_id]["hash"]:
            raise SlackError("hash_conflict")
        return {"ok": True, "view": self._store_view(view, view_id)}

    def _m_views_publish(self, args: dict[str, Any]) -> dict[str, Any]:
        user = str(args["user_id"])
        view_id = self._home.get(user)
        view = self._view_arg(args, "home", view_id)
        if view_id and args.get("hash") and args["hash"] != self.views[view_id]["hash"]:
            raise SlackError("hash_conflict")
        stored = self._store_view(view, view_id)
        self._home[user] = stored["id"]
        return {"ok": True, "view": stored}
