"""The same payloads through Socket Mode envelopes (the default for an internal app)."""

from __future__ import annotations

from slack_bolt.adapter.socket_mode import SocketModeHandler
from sqlalchemy import select

from bot.app import build_runtime
from bot.config import load_settings
from bot.standin import SlackRequestSender, SlackStandIn
from storage.db import make_engine, migrate
from storage.models import Case
from tests.harness import DESK_CHANNEL, REPORTER_JA, SIGNING_SECRET, base_env, report_values


def test_report_through_socket_mode(slack: SlackStandIn, sqlite_url: str) -> None:
    env = base_env(slack, sqlite_url, SLACK_APP_TOKEN=slack.app_token)
    del env["SLACK_SIGNING_SECRET"]  # not needed in Socket Mode
    settings = load_settings(env)
    assert settings.socket_mode
    migrate(make_engine(settings.database_url))
    runtime = build_runtime(settings, socket_mode=True)
    runtime.start_background()
    handler = SocketModeHandler(runtime.app, settings.slack_app_token)
    handler.connect()
    try:
        payloads = SlackRequestSender("http://127.0.0.1:9/", SIGNING_SECRET, standin=slack)
        envelope = slack.push_socket_event(
            "slash_commands", payloads.command_payload("/harassment", "", user_id=REPORTER_JA)
        )
        slack.wait_for_ack(envelope)
        slack.wait_for(lambda: slack.calls_to("views.open"))
        view = slack.calls_to("views.open")[-1].response["view"]
        submission = payloads.view_submission(view, report_values(), REPORTER_JA)
        ack = slack.wait_for_ack(slack.push_socket_event("interactive", submission))
        assert ack.payload is not None
        assert ack.payload["response_action"] == "update"
        slack.wait_for(lambda: slack.messages(DESK_CHANNEL), timeout=10)
        with runtime.deps.sessions() as session:
            assert len(session.scalars(select(Case)).all()) == 1
    finally:
        handler.close()
        runtime.stop()
