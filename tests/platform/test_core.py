"""Platform behaviour every feature relies on: retries, logs, health, schema, errors, mrkdwn."""

from __future__ import annotations

import io
import re
import time
from datetime import timedelta
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from bot.slack.mrkdwn import escape, split_escaped
from bot.standin import SlackRequestSender, SlackStandIn
from bot.web import make_wsgi_app
from storage.db import make_engine, migrate
from storage.models import Base
from tests.harness import (
    DESK_CHANNEL,
    REPORTER_EN,
    SIGNING_SECRET,
    AppHarness,
    AppProcess,
    base_env,
    free_port,
    report_values,
)


def test_migrations_build_exactly_the_models(database_url: str) -> None:
    engine = make_engine(database_url)
    migrate(engine)
    with engine.connect() as connection:
        # The data keys live in a schema of their own (storage.models.DataKey).
        opts = {"compare_type": True, "include_schemas": True}
        context = MigrationContext.configure(connection, opts=opts)
        assert compare_metadata(context, Base.metadata) == []
    engine.dispose()


def test_views_open_is_retried_after_a_429(app: AppHarness) -> None:
    app.slack.fail("views.open", error="ratelimited", retry_after=1, times=1)
    assert app.sender.command("/harassment", user_id=REPORTER_EN).status == 200
    app.slack.wait_for(
        lambda: [c for c in app.slack.calls_to("views.open") if c.response.get("ok")], timeout=10
    )
    assert [c.status for c in app.slack.calls_to("views.open")] == [429, 200]


def test_escaping_and_splitting_never_break_an_entity() -> None:
    escaped = escape("<&>" * 1000)
    chunks = split_escaped(escaped, 3000)
    assert "".join(chunks) == escaped
    assert all(len(chunk) <= 3000 for chunk in chunks)
    assert all(not chunk.endswith(("&", "&a", "&am", "&l", "&g")) for chunk in chunks)


def test_narratives_never_reach_the_logs_even_at_debug(
    slack: SlackStandIn, sqlite_url: str
) -> None:
    secret_story = "ZEBRA-NARRATIVE-4711 he grabbed my wrist"
    env = base_env(slack, sqlite_url, LOG_LEVEL="DEBUG")
    process = AppProcess(env, free_port()).start()
    sender = SlackRequestSender(process.url, SIGNING_SECRET, standin=slack)
    try:
        sender.command("/harassment", user_id=REPORTER_EN)
        slack.wait_for(lambda: slack.calls_to("views.open"))
        view = slack.calls_to("views.open")[-1].response["view"]
        values = report_values(narrative=secret_story, demands="ZEBRA-DEMAND")
        sender.interaction(sender.view_submission(view, values, REPORTER_EN))
        slack.wait_for(lambda: slack.messages(DESK_CHANNEL), timeout=15)
        slack.wait_for(lambda: slack.dms(REPORTER_EN), timeout=15)
    finally:
        sender.close()
        process.stop()
    logs = process.output()
    assert "DEBUG" in logs  # the level really was DEBUG
    assert "ZEBRA" not in logs


def call_wsgi(app: Any, path: str) -> tuple[str, bytes]:
    captured: dict[str, str] = {}

    def start_response(status: str, headers: list[tuple[str, str]]) -> None:
        captured["status"] = status

    environ = {
        "PATH_INFO": path,
        "REQUEST_METHOD": "GET",
        "QUERY_STRING": "",
        "wsgi.input": io.BytesIO(b""),
        "SERVER_PROTOCOL": "HTTP/1.1",
    }
    body = b"".join(app(environ, start_response))
    return captured["status"], body


def test_health_is_503_when_the_database_does_not_answer(app: AppHarness, tmp_path) -> None:
    broken = make_engine(f"sqlite:///{tmp_path / 'missing' / 'nowhere.db'}")
    status, body = call_wsgi(make_wsgi_app(app.runtime.app, broken), "/healthz")
    assert status.startswith("503") and b'"ok": false' in body
    status, _ = call_wsgi(make_wsgi_app(app.runtime.app, app.deps.core.engine), "/healthz")
    assert status.startswith("200")


def test_an_unexpected_error_is_logged_with_an_id_the_user_is_told(
    app: AppHarness, caplog: pytest.LogCaptureFixture
) -> None:
    app.slack.fail("views.open", error="invalid_arguments", times=1)
    app.sender.command("/harassment", user_id=REPORTER_EN, channel_id="C0GENERAL1")
    answer = app.slack.wait_for(lambda: app.slack.calls_to("response_url"), timeout=10)[0]
    match = re.search(r"error id ([0-9a-f]{10})", answer.args["text"])
    assert match, answer.args["text"]
    assert "エラーID" in answer.args["text"]  # both languages: the locale may be unknown here
    logged = [r for r in caplog.records if match.group(1) in r.getMessage()]
    assert logged and logged[0].exc_info is not None  # the traceback is kept, not swallowed


def test_durations_read_naturally_in_both_languages() -> None:
    from bot.slack.mrkdwn import humanize

    assert humanize(timedelta(days=1), "en") == "1 day"
    assert humanize(timedelta(days=2), "en") == "2 days"
    assert humanize(timedelta(minutes=30), "en") == "30 minutes"
    assert humanize(timedelta(hours=1), "ja") == "1時間"
    assert humanize(timedelta(seconds=90), "en") == "2 minutes"


def test_request_threads_write_before_background_work_waiting_for_the_same_lock() -> None:
    import threading

    from storage.db import WriterGate, background_work

    gate = WriterGate()
    order: list[str] = []
    assert gate.acquire(timeout=1)  # someone is writing

    def writer(name: str, background: bool, ready: threading.Event) -> None:
        def take() -> None:
            ready.set()
            assert gate.acquire(timeout=5)
            order.append(name)
            gate.release()

        if background:
            with background_work():
                take()
        else:
            take()

    background_ready, request_ready = threading.Event(), threading.Event()
    delivery = threading.Thread(target=writer, args=("delivery", True, background_ready))
    delivery.start()
    background_ready.wait()
    time.sleep(0.05)  # the delivery is queued first
    request = threading.Thread(target=writer, args=("request", False, request_ready))
    request.start()
    request_ready.wait()
    time.sleep(0.05)
    gate.release()
    delivery.join(5)
    request.join(5)
    assert order == ["request", "delivery"]
