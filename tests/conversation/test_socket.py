"""A reporter's DM thread reply relayed to the case thread, over Socket Mode envelopes."""

from __future__ import annotations

import json

from slack_bolt.adapter.socket_mode import SocketModeHandler
from sqlalchemy import select

from bot.app import build_runtime
from bot.config import load_settings
from bot.standin import SlackRequestSender, SlackStandIn
from storage.db import make_engine, migrate
from storage.models import Case, CaseMessage
from tests.harness import DESK_CHANNEL, REPORTER_JA, SIGNING_SECRET, base_env, report_values


def test_dm_relay_through_socket_mode(slack: SlackStandIn, sqlite_url: str) -> None:
    env = base_env(slack, sqlite_url, SLACK_APP_TOKEN=slack.app_token)
    del env["SLACK_SIGNING_SECRET"]
    settings = load_settings(env)
    migrate(make_engine(settings.database_url))
    runtime = build_runtime(settings, socket_mode=True)
    runtime.start_background()
    handler = SocketModeHandler(runtime.app, settings.slack_app_token)
    handler.connect()
    try:
        payloads = SlackRequestSender("http://127.0.0.1:9/", SIGNING_SECRET, standin=slack)
        slack.wait_for_ack(
            slack.push_socket_event(
                "slash_commands", payloads.command_payload("/harassment", "", user_id=REPORTER_JA)
            )
        )
        view = slack.wait_for(lambda: slack.calls_to("views.open"))[-1].response["view"]
        values = report_values(identity="anonymous")
        submission = payloads.view_submission(view, values, REPORTER_JA)
        slack.wait_for_ack(slack.push_socket_event("interactive", submission))
        case_ts = slack.wait_for(lambda: slack.messages(DESK_CHANNEL), timeout=30)[0]["ts"]
        receipt = slack.wait_for(
            lambda: [m for m in slack.dms(REPORTER_JA) if "conv_receipt" in json.dumps(m)],
            timeout=30,
        )[0]
        message = slack.post_user_message(REPORTER_JA, "ソケット経由です", thread_ts=receipt["ts"])
        envelope = payloads.event_envelope(payloads.dm_event(message))
        ack = slack.wait_for_ack(slack.push_socket_event("events_api", envelope))
        assert ack.envelope_id
        # Slack retries over Socket Mode too (retry_attempt): still one message.
        slack.wait_for_ack(
            slack.push_socket_event("events_api", envelope, retry_attempt=1, retry_reason="timeout")
        )
        slack.wait_for(
            lambda: [
                m
                for m in slack.replies(DESK_CHANNEL, case_ts)
                if "ソケット経由です" in json.dumps(m, ensure_ascii=False)
            ],
            timeout=30,
        )
        with runtime.deps.sessions() as session:
            assert len(session.scalars(select(CaseMessage)).all()) == 1
            assert session.scalars(select(Case)).one().identity == "anonymous"
    finally:
        handler.close()
        runtime.stop()
