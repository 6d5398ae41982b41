"""HTTP: `POST /slack/events` for everything Slack sends; `GET /healthz`, `/readyz`, `/metrics`.

The same health endpoints serve Socket Mode on `HEALTH_PORT` (`make_health_app`).
"""

from __future__ import annotations

import io
import json
import logging
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from slack_bolt import App, BoltRequest, BoltResponse
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.adapter.wsgi.http_request import WsgiHttpRequest
from slack_sdk.signature import SignatureVerifier
from sqlalchemy import Engine

from bot.health import Health
from bot.inbound import (
    MAX_BODY_BYTES,
    Rejected,
    check_body,
    shield_form_from_bolt,
    verify_signature,
)
from bot.metrics import CONTENT_TYPE as METRICS_CONTENT_TYPE
from bot.metrics import Metrics
from storage.db import database_answers

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIEnvironment

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
READY_PATH = "/readyz"
METRICS_PATH = "/metrics"

WsgiApp = Callable[["WSGIEnvironment", "StartResponse"], Iterable[bytes]]
# The WSGI environ key under which the guard hands Bolt the body it has parsed already.
PARSED_BODY = "harassment_desk.parsed_body"

log = logging.getLogger(__name__)


def _answer(
    start_response: StartResponse,
    status: str,
    body: bytes,
    content_type: str = "application/json",
) -> Iterable[bytes]:
    start_response(status, [("Content-Type", content_type), ("Content-Length", str(len(body)))])
    return [body]


def _status(ok: bool) -> str:
    return "200 OK" if ok else "503 Service Unavailable"


def _probe(
    path: str, start_response: StartResponse, health: Health | None, metrics: Metrics | None
) -> Iterable[bytes] | None:
    """The answer to a GET of a health or metrics path, or None for any other path."""
    if path == READY_PATH and health is not None:
        ready, body = health.ready()
        return _answer(start_response, _status(ready), json.dumps(body).encode())
    if path == HEALTH_PATH and health is not None:
        alive, body = health.alive()
        return _answer(start_response, _status(alive), json.dumps(body).encode())
    if path == METRICS_PATH and metrics is not None:
        return _answer(start_response, "200 OK", metrics.render(), METRICS_CONTENT_TYPE)
    return None


def _not_found(start_response: StartResponse) -> Iterable[bytes]:
    return _answer(start_response, "404 Not Found", b"Not Found", "text/plain")


def make_health_app(health: Health, metrics: Metrics | None = None) -> WsgiApp:
    """Socket Mode's `HEALTH_PORT`: probes and metrics only, no Slack endpoint."""

    def application(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD", "GET") in ("GET", "HEAD"):
            answer = _probe(environ.get("PATH_INFO", ""), start_response, health, metrics)
            if answer is not None:
                return answer
        return _not_found(start_response)

    return application


class ParsedOnceHandler(SlackRequestHandler):
    """Bolt's WSGI handler, given the body the guard parsed: Bolt would parse it again, and
    for a report form that is a tenth of the request's CPU. Bolt still verifies the signature
    over the raw body, as for any HTTP request; without a parsed body it parses as usual."""

    def dispatch(self, request: WsgiHttpRequest) -> BoltResponse:
        parsed = request.environ.get(PARSED_BODY)
        if parsed is None:
            return super().dispatch(request)
        # BoltRequest takes a parsed body only in its Socket Mode form; after construction it
        # is made an HTTP request again, raw body included, so that RequestVerification runs.
        bolt_request = BoltRequest(
            body=parsed,
            query=request.query_string,
            headers=request.get_headers(),
            mode="socket_mode",
        )
        bolt_request.raw_body = request.get_body()
        bolt_request.mode = "http"
        return self.app.dispatch(bolt_request)


def make_wsgi_app(
    app: App,
    engine: Engine,
    signing_secret: str | None = None,
    *,
    health: Health | None = None,
    metrics: Metrics | None = None,
) -> WsgiApp:
    """The WSGI app. With `signing_secret`, requests are verified and their shape checked before
    Bolt dispatches them, so malformed input gets 400/401/413 instead of a listener's 500."""
    slack = ParsedOnceHandler(app, path=EVENTS_PATH)

    def guarded(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        assert signing_secret is not None
        started = time.perf_counter()
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = -1
        if length < 0 or length > MAX_BODY_BYTES:
            status = "413 Content Too Large" if length > 0 else "400 Bad Request"
            return _answer(start_response, status, b'{"error": "bad content length"}')
        body = environ["wsgi.input"].read(length) if length else b""
        timestamp = environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP")
        try:
            verify_signature(signing_secret, body, timestamp, environ.get("HTTP_X_SLACK_SIGNATURE"))
            checked = check_body(body, environ.get("CONTENT_TYPE", ""))
        except Rejected as exc:
            log.info("refused a request to %s: %s", EVENTS_PATH, exc.reason)
            status = {400: "400 Bad Request", 401: "401 Unauthorized"}[exc.status]
            return _answer(start_response, status, json.dumps({"error": exc.reason}).encode())
        shielded = shield_form_from_bolt(checked.text, checked.form)
        if shielded is not None:
            # Verified above; Bolt verifies again, so the rewritten body is signed again with
            # the same secret and the same timestamp.
            body = shielded.encode("utf-8")
            signature = SignatureVerifier(signing_secret).generate_signature(
                timestamp=str(timestamp), body=shielded
            )
            environ["HTTP_X_SLACK_SIGNATURE"] = signature or ""
        else:
            environ[PARSED_BODY] = checked.parsed
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        answer = slack(environ, start_response)
        if metrics is not None:
            metrics.ack(checked.kind, time.perf_counter() - started)
        return answer

    def application(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        if method in ("GET", "HEAD"):
            answer = _probe(path, start_response, health, metrics)
            if answer is not None:
                return answer
            if path == HEALTH_PATH:
                healthy = database_answers(engine)
                body = json.dumps({"ok": healthy, "database": "up" if healthy else "down"})
                return _answer(start_response, _status(healthy), body.encode())
        if path == EVENTS_PATH and method == "POST":
            if signing_secret:
                return guarded(environ, start_response)
            return slack(environ, start_response)
        return _not_found(start_response)

    return application
