"""The playground's page: one static page, its script and style, and JSON endpoints."""

from __future__ import annotations

import base64
import binascii
import html
import json
from collections.abc import Callable, Iterable
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

from bot.i18n import CATALOGUE
from bot.playground.session import ClientSide, RefusedInput

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIEnvironment

STATIC = {
    "/app.js": ("app.js", "text/javascript; charset=utf-8"),
    "/app.css": ("app.css", "text/css; charset=utf-8"),
}
STRINGS_PREFIX = "playground."
UPLOAD_PATH = "/api/upload"
FONT_FILE = "ipaexg.ttf"
MAX_BODY = 256 * 1024
# A file from the computer arrives base64-encoded in JSON. Slack takes far larger files; the
# playground keeps them in memory, so it stops at a size that still shows the app's own refusal
# of evidence over 10 MB.
MAX_UPLOAD_BYTES = 15 * 1024 * 1024
MAX_UPLOAD_BODY = MAX_UPLOAD_BYTES * 4 // 3 + 64 * 1024
# The page is served to this machine's browser only; nothing else may frame or script it.
SECURITY_HEADERS = [
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; object-src 'none'"),
    ("Cache-Control", "no-store"),
]


def _static(name: str) -> bytes:
    return resources.files(__package__).joinpath("static", name).read_bytes()


def _index(lang: str) -> bytes:
    """The page, with what must show before (or without) its script in the person's language."""
    fills = {
        "lang": lang,
        "title": CATALOGUE["playground.title"][lang],
        "not_connected": CATALOGUE["playground.not_connected"][lang],
        "noscript_ja": CATALOGUE["playground.noscript"]["ja"],
        "noscript_en": CATALOGUE["playground.noscript"]["en"],
    }
    page = _static("index.html").decode("utf-8")
    for name, text in fills.items():
        page = page.replace("{{" + name + "}}", html.escape(text))
    return page.encode("utf-8")


def _strings() -> dict[str, dict[str, str]]:
    return {
        key[len(STRINGS_PREFIX) :]: dict(texts)
        for key, texts in CATALOGUE.items()
        if key.startswith(STRINGS_PREFIX)
    }


def _text(body: dict[str, Any], key: str) -> str:
    value = body.get(key)
    if not isinstance(value, str) or not value.strip():
        raise RefusedInput(f"{key} is required")
    return value


def _values(body: dict[str, Any]) -> dict[str, Any]:
    values = body.get("values") or {}
    if not isinstance(values, dict):
        raise RefusedInput("values must be an object")
    return values


def _routes(client: ClientSide) -> dict[str, Callable[[dict[str, Any]], None]]:
    return {
        "/api/command": lambda b: client.command(b.get("user"), b.get("channel"), _text(b, "text")),
        "/api/message": lambda b: client.message(
            b.get("user"), b.get("channel"), _text(b, "text"), b.get("thread_ts")
        ),
        "/api/action": lambda b: (
            client.view_action(
                b.get("user"), b["view_id"], _text(b, "action_id"), b.get("value"), _values(b)
            )
            if b.get("view_id")
            else client.message_action(
                b.get("user"),
                b.get("channel"),
                b.get("ts"),
                _text(b, "action_id"),
                b.get("value"),
                _values(b),
                b.get("ephemeral_id"),
            )
        ),
        "/api/submit": lambda b: client.submit(b.get("user"), b.get("view_id"), _values(b)),
        "/api/close": lambda b: client.close(b.get("user"), b.get("view_id")),
        "/api/shortcut": lambda b: client.shortcut(
            b.get("user"), _text(b, "callback_id"), b.get("channel"), b.get("ts")
        ),
        "/api/home": lambda b: client.open_home(b.get("user")),
        "/api/forward": lambda b: client.fast_forward(float(b.get("seconds") or 0)),
        UPLOAD_PATH: lambda b: None,  # answered with the file object (see _serve)
    }


def _upload(client: ClientSide, body: dict[str, Any]) -> dict[str, Any]:
    try:
        content = base64.b64decode(str(body.get("data") or ""), validate=True)
    except binascii.Error:
        raise RefusedInput("the file could not be read") from None
    if len(content) > MAX_UPLOAD_BYTES:
        raise RefusedInput("too_large")
    name = _text(body, "name")[:255]
    return client.upload(body.get("user"), name, str(body.get("mimetype") or ""), content)


class PageApp:
    """The page's WSGI app. It answers as soon as the port is bound; until the app behind it
    has started (`attach`), the state endpoint says 503 and the page shows that it is starting."""

    def __init__(self, lang: str) -> None:
        self.index = _index(lang)
        self.strings = json.dumps(_strings(), ensure_ascii=False).encode("utf-8")
        self.client: ClientSide | None = None
        self.routes: dict[str, Callable[[dict[str, Any]], None]] = {}

    def attach(self, client: ClientSide) -> None:
        self.routes = _routes(client)
        self.client = client

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        return _serve(self, environ, start_response)


def _answer(
    start_response: StartResponse, status: str, body: bytes, content_type: str
) -> Iterable[bytes]:
    headers = [("Content-Type", content_type), ("Content-Length", str(len(body)))]
    start_response(status, headers + SECURITY_HEADERS)
    return [body]


@cache
def _japanese_font() -> bytes:
    """IPAex Gothic from matplotlib-fontja (the monthly report's charts use it): Japanese reads
    the same on a machine without Japanese fonts, and in the screenshots made in CI."""
    return resources.files("matplotlib_fontja").joinpath("fonts", FONT_FILE).read_bytes()


def _json(start_response: StartResponse, status: str, value: Any) -> Iterable[bytes]:
    body = json.dumps(value, ensure_ascii=False).encode("utf-8")
    return _answer(start_response, status, body, "application/json; charset=utf-8")


def _serve(
    page: PageApp, environ: WSGIEnvironment, start_response: StartResponse
) -> Iterable[bytes]:
    path, method = environ.get("PATH_INFO", "/"), environ.get("REQUEST_METHOD", "GET")
    if method == "GET" and path == "/":
        return _answer(start_response, "200 OK", page.index, "text/html; charset=utf-8")
    if method == "GET" and path in STATIC:
        name, content_type = STATIC[path]
        return _answer(start_response, "200 OK", _static(name), content_type)
    if method == "GET" and path == "/" + FONT_FILE:
        return _answer(start_response, "200 OK", _japanese_font(), "font/ttf")
    if method == "GET" and path == "/api/strings":
        return _answer(start_response, "200 OK", page.strings, "application/json; charset=utf-8")
    client, routes = page.client, page.routes
    if client is None:
        return _json(start_response, "503 Service Unavailable", {"ok": False, "starting": True})
    try:
        if method == "GET" and path == "/api/state":
            user = (parse_qs(environ.get("QUERY_STRING", "")).get("user") or [""])[0]
            return _json(start_response, "200 OK", client.state(user))
        if method == "POST" and path in routes:
            # A page on another origin cannot send JSON here without a preflight we refuse.
            if not environ.get("CONTENT_TYPE", "").startswith("application/json"):
                return _json(start_response, "415 Unsupported Media Type", {"ok": False})
            length = int(environ.get("CONTENT_LENGTH") or 0)
            if length > (MAX_UPLOAD_BODY if path == UPLOAD_PATH else MAX_BODY):
                return _json(start_response, "413 Payload Too Large", {"ok": False})
            body = json.loads(environ["wsgi.input"].read(length) or b"{}")
            if not isinstance(body, dict):
                raise RefusedInput("the body must be a JSON object")
            if path == UPLOAD_PATH:
                return _json(start_response, "200 OK", {"ok": True, "file": _upload(client, body)})
            routes[path](body)
            return _json(start_response, "200 OK", {"ok": True})
    except (RefusedInput, ValueError, KeyError) as exc:
        # Only the page's own messages come back: nothing a person typed is echoed.
        reason = str(exc) if isinstance(exc, RefusedInput) else "bad request"
        return _json(start_response, "400 Bad Request", {"ok": False, "error": reason})
    return _json(start_response, "404 Not Found", {"ok": False})
