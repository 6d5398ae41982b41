"""`harassment-desk check`: can this configuration work? One line per problem."""

from __future__ import annotations

from slack_sdk.errors import SlackApiError, SlackClientError

from bot.config import Settings
from bot.slack.client import interactive_client
from storage.db import database_answers, make_engine


def run_checks(settings: Settings) -> list[str]:
    problems: list[str] = []
    if not database_answers(make_engine(settings.database_url)):
        problems.append(f"DATABASE_URL: cannot connect to {settings.database_url.split('@')[-1]}")
    client = interactive_client(settings)
    try:
        auth = client.auth_test()
    except SlackApiError as exc:
        problems.append(f"SLACK_BOT_TOKEN: Slack refused it ({exc.response.get('error')})")
        return problems
    except (SlackClientError, OSError) as exc:
        problems.append(f"SLACK_API_URL: cannot reach Slack at {settings.slack_api_url} ({exc})")
        return problems
    bot_user = auth.get("user_id")
    try:
        info = client.conversations_info(channel=settings.desk_channel_id)
    except SlackApiError as exc:
        error = exc.response.get("error")
        if error == "missing_scope" and exc.response.get("needed") == "channels:read":
            # The app asks for no public-channel scope: Slack says so for a public channel.
            problems.append(
                f"DESK_CHANNEL_ID: {settings.desk_channel_id} is public; reports must go to a "
                "private channel"
            )
            return problems
        problems.append(
            f"DESK_CHANNEL_ID: {settings.desk_channel_id} cannot be read ({error}); "
            "invite the bot to the desk channel"
        )
        return problems
    channel = info.get("channel") or {}
    if channel.get("is_archived"):
        problems.append(f"DESK_CHANNEL_ID: {settings.desk_channel_id} is archived")
    if not channel.get("is_member"):
        try:
            members = client.conversations_members(channel=settings.desk_channel_id, limit=1000)
            is_member = bot_user in (members.get("members") or [])
        except SlackApiError:
            is_member = False
        if not is_member:
            problems.append(
                f"DESK_CHANNEL_ID: the bot is not a member of {settings.desk_channel_id}; "
                "invite it with /invite"
            )
    if not channel.get("is_private", True):
        problems.append(
            f"DESK_CHANNEL_ID: {settings.desk_channel_id} is public; reports must go to a "
            "private channel"
        )
    return problems
