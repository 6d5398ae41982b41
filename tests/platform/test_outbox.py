"""The outbox worker on its own: isolation of failures, dedupe keys, claims."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from slack_sdk import WebClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.clock import FrozenClock, SystemClock
from bot.outbox import Delivery, OutboxWorker, Post
from bot.standin import SlackStandIn
from storage.db import make_engine, migrate
from storage.models import OutboxMessage, OutboxStatus
from storage.repositories import outbox as outbox_repo
from tests.harness import DESK_CHANNEL, REPORTER_EN, keyed_sessions


def broken(session: Session, message: OutboxMessage) -> Delivery:
    raise KeyError("a renderer bug")


def hello(session: Session, message: OutboxMessage) -> Delivery:
    return Post(DESK_CHANNEL, "hello", [])


def test_a_broken_renderer_does_not_hold_up_other_deliveries(
    slack: SlackStandIn, database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    engine = make_engine(database_url)
    migrate(engine)
    sessions = keyed_sessions(engine)
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


PUBLIC_CHANNEL = "C0GENERAL1"  # as an AWARENESS_CHANNEL_ID often is


@pytest.mark.parametrize("channel", [PUBLIC_CHANNEL, DESK_CHANNEL, REPORTER_EN])
def test_a_post_whose_answer_was_lost_is_looked_up_not_sent_again(
    slack: SlackStandIn, database_url: str, channel: str
) -> None:
    """Slack took the post but its answer never came (a timeout): the retry looks the post up
    (conversations.history, with the scope of that channel's type that manifest.yml grants)
    instead of posting it twice, in a public channel, the private desk channel and a DM."""
    engine = make_engine(database_url)
    migrate(engine)
    sessions = keyed_sessions(engine)
    clock = FrozenClock(datetime.now(UTC))

    def post(session: Session, message: OutboxMessage) -> Delivery:
        return Post(channel, "weekly reminder", [])

    def posted() -> list[dict[str, Any]]:
        return slack.dms(channel) if channel.startswith("U") else slack.messages(channel)

    with sessions.begin() as session:
        assert outbox_repo.enqueue(session, kind="post", dedupe_key="w1", now=clock.now())
    worker = OutboxWorker(
        sessions=sessions,
        client=WebClient(token=slack.bot_token, base_url=slack.api_url, timeout=1),
        clock=clock,
        renderers={"post": post},
    )
    slack.delay_answers("chat.postMessage", 3)
    try:
        assert worker.deliver_due().sent == 0  # timed out: the outcome is unknown
        slack.wait_for(posted, timeout=20)
        slack.delay_answers("chat.postMessage", 0)
        clock.advance(timedelta(hours=1))
        stats = worker.deliver_due()
    finally:
        worker.shutdown()
    assert slack.calls_to("conversations.history")
    assert stats.deduplicated == 1, stats
    assert [m["text"] for m in posted()] == ["weekly reminder"]
    with sessions() as session:
        row = session.scalars(select(OutboxMessage)).one()
    assert row.status == OutboxStatus.DONE, row.last_error
    engine.dispose()
