"""HTTP mode: `POST /slack/events` for everything Slack sends, `GET /healthz` for probes."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from sqlalchemy import Engine

from bot.inbound import MAX_BODY_BYTES, Rejected, check_body, verify_signature
from storage.db import database_answers

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIEnvironment

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"

WsgiApp = Callable[["WSGIEnvironment", "StartResponse"], Iterable[bytes]]

log = logging.getLogger(__name__)


def _answer(start_response: StartResponse, status: str, body: bytes) -> Iterable[bytes]:
    start_response(
        status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
    )
    return [body]


def make_wsgi_app(app: App, engine: Engine, signing_secret: str | None = None) -> WsgiApp:
    """The WSGI app. With `signing_secret`, requests are verified and their shape checked before
    Bolt dispatches them, so malformed input gets 400/401/413 instead of a listener's 500."""
    slack = SlackRequestHandler(app, path=EVENTS_PATH)

    def guarded(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = -1
        if length < 0 or length > MAX_BODY_BYTES:
            status = "413 Content Too Large" if length > 0 else "400 Bad Request"
            return _answer(start_response, status, b'{"error": "bad content length"}')
        body = environ["wsgi.input"].read(length) if length else b""
        try:
            assert signing_secret is not None
            verify_signature(
                signing_secret,
                body,
                environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP"),
                environ.get("HTTP_X_SLACK_SIGNATURE"),
            )
            check_body(body, environ.get("CONTENT_TYPE", ""))
        except Rejected as exc:
            log.info("refused a request to %s: %s", EVENTS_PATH, exc.reason)
            status = {400: "400 Bad Request", 401: "401 Unauthorized"}[exc.status]
            return _answer(start_response, status, json.dumps({"error": exc.reason}).encode())
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        return slack(environ, start_response)

    def application(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        if path == HEALTH_PATH and method in ("GET", "HEAD"):
            healthy = database_answers(engine)
            body = json.dumps({"ok": healthy, "database": "up" if healthy else "down"}).encode()
            return _answer(start_response, "200 OK" if healthy else "503 Service Unavailable", body)
        if path == EVENTS_PATH and method == "POST":
            if signing_secret:
                return guarded(environ, start_response)
            return slack(environ, start_response)
        body = b"Not Found"
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [body]

    return application
