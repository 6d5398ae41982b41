"""The outbox worker on its own: isolation of failures, dedupe keys, claims."""

from __future__ import annotations

import pytest
from slack_sdk import WebClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.clock import SystemClock
from bot.outbox import Delivery, OutboxWorker, Post
from bot.standin import SlackStandIn
from storage.db import make_engine, make_session_factory, migrate
from storage.models import OutboxMessage, OutboxStatus
from storage.repositories import outbox as outbox_repo
from tests.harness import DESK_CHANNEL


def broken(session: Session, message: OutboxMessage) -> Delivery:
    raise KeyError("a renderer bug")


def hello(session: Session, message: OutboxMessage) -> Delivery:
    return Post(DESK_CHANNEL, "hello", [])


def test_a_broken_renderer_does_not_hold_up_other_deliveries(
    slack: SlackStandIn, database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    engine = make_engine(database_url)
    migrate(engine)
    sessions = make_session_factory(engine)
    clock = SystemClock()
    with sessions.begin() as session:
        assert outbox_repo.enqueue(session, kind="broken", dedupe_key="a", now=clock.now())
        assert outbox_repo.enqueue(session, kind="hello", dedupe_key="b", now=clock.now())
        assert not outbox_repo.enqueue(session, kind="hello", dedupe_key="b", now=clock.now())
    worker = OutboxWorker(
        sessions=sessions,
        client=WebClient(token=slack.bot_token, base_url=slack.api_url),
        clock=clock,
        renderers={"broken": broken, "hello": hello},
    )
    stats = worker.deliver_due()
    worker.shutdown()
    assert stats.sent == 1
    assert [m["text"] for m in slack.messages(DESK_CHANNEL)] == ["hello"]
    with sessions() as session:
        rows = {row.kind: row for row in session.scalars(select(OutboxMessage))}
    assert rows["hello"].status == OutboxStatus.DONE
    assert rows["broken"].status == OutboxStatus.PENDING
    assert rows["broken"].last_error == "render_error"
    assert any(record.exc_info for record in caplog.records if "rendering failed" in record.msg)
    engine.dispose()
