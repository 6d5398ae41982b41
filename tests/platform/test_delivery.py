"""Nothing lost, nothing twice: outages, rate limits, crashes between commit and delivery."""

from __future__ import annotations

import time
from datetime import timedelta

from sqlalchemy import select

from bot.outbox import METADATA_EVENT_TYPE
from bot.standin import SlackRequestSender, SlackStandIn
from storage.db import make_engine, migrate
from storage.models import Case, OutboxMessage, OutboxStatus
from tests.harness import (
    DESK_CHANNEL,
    REPORTER_EN,
    SIGNING_SECRET,
    AppHarness,
    AppProcess,
    base_env,
    free_port,
    keyed_sessions,
    report_values,
)


def test_reports_made_during_a_slack_outage_arrive_once_slack_is_back(
    app: AppHarness,
) -> None:
    view = app.open_report_form(REPORTER_EN)
    app.slack.set_down(True)
    response = app.submit_report(view, user_id=REPORTER_EN)
    # Stored: the person is told at once.
    assert response.json().get("response_action") == "update", (response.status, response.text)
    time.sleep(1.5)
    assert app.slack.messages(DESK_CHANNEL) == []
    with app.deps.sessions() as session:
        row = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).first()
        # Tried and waiting to retry (or mid-retry right now): not lost, not marked failed.
        assert row is not None and row.attempts >= 1
        assert row.status in (OutboxStatus.PENDING, OutboxStatus.SENDING)
    app.slack.set_down(False)
    app.slack.wait_for(lambda: app.slack.messages(DESK_CHANNEL), timeout=20)
    app.slack.wait_for(lambda: app.slack.dms(REPORTER_EN), timeout=20)
    time.sleep(1.5)
    assert len(app.slack.messages(DESK_CHANNEL)) == 1
    assert len(app.slack.dms(REPORTER_EN)) == 1


def test_rate_limited_delivery_waits_for_retry_after_and_sends_once(app: AppHarness) -> None:
    app.slack.fail("chat.postMessage", error="ratelimited", retry_after=1, times=2)
    view = app.open_report_form(REPORTER_EN)
    app.submit_report(view, user_id=REPORTER_EN)
    app.slack.wait_for(lambda: app.slack.messages(DESK_CHANNEL), timeout=15)
    app.slack.wait_for(lambda: app.slack.dms(REPORTER_EN), timeout=15)
    statuses = [call.status for call in app.slack.calls_to("chat.postMessage")]
    assert statuses.count(429) == 2
    assert len(app.slack.messages(DESK_CHANNEL)) == 1


def test_a_kill_between_commit_and_delivery_loses_nothing(
    slack: SlackStandIn, database_url: str
) -> None:
    env = base_env(slack, database_url)
    port = free_port()
    process = AppProcess(env, port).start()
    sender = SlackRequestSender(process.url, SIGNING_SECRET, standin=slack)
    try:
        sender.command("/harassment", user_id=REPORTER_EN)
        slack.wait_for(lambda: slack.calls_to("views.open"))
        view = slack.calls_to("views.open")[-1].response["view"]
        slack.set_down(True)  # commit happens, delivery cannot
        answer = sender.interaction(sender.view_submission(view, report_values(), REPORTER_EN))
        assert answer.json()["response_action"] == "update"
        process.kill()
        slack.set_down(False)
        assert slack.messages(DESK_CHANNEL) == []
        process = AppProcess(env, port).start()
        slack.wait_for(lambda: slack.messages(DESK_CHANNEL), timeout=20)
        slack.wait_for(lambda: slack.dms(REPORTER_EN), timeout=20)
        time.sleep(1.5)
        assert len(slack.messages(DESK_CHANNEL)) == 1
        assert len(slack.dms(REPORTER_EN)) == 1
    finally:
        sender.close()
        process.stop()


def test_a_worker_that_died_after_slack_accepted_the_post_does_not_post_again(
    slack: SlackStandIn, sqlite_url: str
) -> None:
    """The row is left `sending` with an expired claim and no error: the outcome is unknown.
    The post carries the row id in its metadata, so the retry finds it instead of reposting."""
    with AppHarness(slack, sqlite_url, start_ticker=False) as app:
        view = app.open_report_form(REPORTER_EN)
        slack.set_down(True)
        app.submit_report(view, user_id=REPORTER_EN)
        time.sleep(0.5)
        slack.set_down(False)
        with app.deps.sessions.begin() as session:
            row = session.scalars(
                select(OutboxMessage).where(OutboxMessage.kind == "report.desk_message")
            ).one()
            # As if a worker claimed it, posted it, and died before recording the ts.
            row.status = OutboxStatus.SENDING
            row.attempts = 1
            row.last_error = None
            row.claimed_until = app.deps.clock.now() - timedelta(seconds=1)
            row_id = row.id
        from slack_sdk import WebClient

        WebClient(token=slack.bot_token, base_url=slack.api_url).chat_postMessage(
            channel=DESK_CHANNEL,
            text="posted before the crash",
            metadata={"event_type": METADATA_EVENT_TYPE, "event_payload": {"outbox_id": row_id}},
        )
        posts_before = len(slack.calls_to("chat.postMessage"))
        app.deps.outbox.deliver_due()
        desk_posts = [
            c
            for c in slack.calls_to("chat.postMessage")[posts_before:]
            if c.args.get("channel") == DESK_CHANNEL
        ]
        assert desk_posts == []
        assert len(slack.messages(DESK_CHANNEL)) == 1
        with app.deps.sessions() as session:
            stored = session.get(OutboxMessage, row_id)
            assert stored is not None and stored.status == OutboxStatus.DONE
            case = session.scalars(select(Case)).one()
            assert case.desk_message_ts == slack.messages(DESK_CHANNEL)[0]["ts"]


def test_permanent_slack_errors_are_recorded_not_retried_forever(
    slack: SlackStandIn, sqlite_url: str
) -> None:
    engine = make_engine(sqlite_url)
    migrate(engine)
    with AppHarness(slack, sqlite_url, start_ticker=False) as app:
        slack.fail("chat.postMessage", error="invalid_blocks", times=1)
        view = app.open_report_form(REPORTER_EN)
        app.submit_report(view, user_id=REPORTER_EN)
        sessions = keyed_sessions(engine)

        def statuses() -> set[tuple[str, str | None]]:
            app.deps.outbox.deliver_due()
            with sessions() as session:
                return {
                    (row.status, row.last_error) for row in session.scalars(select(OutboxMessage))
                }

        slack.wait_for(lambda: {status for status, _ in statuses()} == {"done", "failed"})
        assert ("failed", "invalid_blocks") in statuses()
