"""`harassment-desk check` against the stand-in: one clear line per problem."""

from __future__ import annotations

from bot.checks import run_checks
from bot.config import load_settings
from bot.standin import SlackStandIn
from tests.harness import DESK_CHANNEL, base_env


def test_check_passes_when_the_bot_can_post_in_the_desk_channel(
    slack: SlackStandIn, sqlite_url: str
) -> None:
    assert run_checks(load_settings(base_env(slack, sqlite_url))) == []
    assert slack.calls_to("auth.test")


def test_check_names_each_problem(slack: SlackStandIn, sqlite_url: str) -> None:
    slack.add_channel(DESK_CHANNEL, "desk", is_private=True, bot_is_member=False)
    problems = run_checks(load_settings(base_env(slack, sqlite_url)))
    assert len(problems) == 1 and problems[0].startswith("DESK_CHANNEL_ID")
    bad_token = base_env(slack, sqlite_url, SLACK_BOT_TOKEN="xoxb-wrong")
    # The same line (and fix) as `run` gives for a refused token.
    assert run_checks(load_settings(bad_token)) == [
        "SLACK_BOT_TOKEN: Slack refused the token (invalid_auth); copy the Bot User OAuth Token "
        "(xoxb-…) again from OAuth & Permissions, or reinstall the app"
    ]
    slack.add_channel(DESK_CHANNEL, "desk", is_private=False)
    problems = run_checks(load_settings(base_env(slack, sqlite_url)))
    # The manifest asks for groups:read only, so Slack answers missing_scope (needed
    # channels:read) for a public channel: that is the sign, and the line says what to do.
    assert problems == [
        f"DESK_CHANNEL_ID: {DESK_CHANNEL} is a public channel; reports must go to a private "
        "channel: create one, invite the bot and set its id"
    ]
