"""`harassment-desk check`: can this configuration work? One line per problem.

Network failures are named by what failed (DNS, the proxy, TLS, a refused connection), so an
admin on a corporate network knows whether to look at the proxy settings or the firewall.
"""

from __future__ import annotations

import socket
import ssl
from urllib.error import URLError
from urllib.parse import urlsplit

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.config import Settings
from bot.slack.client import probe_client
from bot.slack.desk_channel import NOT_MEMBER, desk_channel_unreachable
from bot.startup import (
    check_database,
    port_problem,
    public_channel_problem,
    refused_app_token,
    refused_bot_token,
)

DEFAULT_API_URL = "https://slack.com/api/"
# The sample values in .env.example, each with what to put there instead.
PLACEHOLDERS = {
    "SLACK_BOT_TOKEN": (
        "xoxb-your-bot-token",
        "copy the Bot User OAuth Token (xoxb-…) from OAuth & Permissions",
    ),
    "DESK_CHANNEL_ID": (
        "C0123456789",
        "set the id of the desk's private channel (channel details > About > Channel ID)",
    ),
}


def describe_network_error(settings: Settings, exc: BaseException) -> str:
    """One line naming what failed on the way to Slack."""
    reason: object = exc.reason if isinstance(exc, URLError) else exc
    api_host = urlsplit(settings.slack_api_url).hostname or settings.slack_api_url
    proxy = settings.slack_proxy
    proxy_host = urlsplit(proxy).hostname if proxy else None
    where = "SLACK_API_URL" if settings.slack_api_url != DEFAULT_API_URL else "network"
    if isinstance(reason, ssl.SSLCertVerificationError):
        return (
            f"TLS: the certificate presented for {api_host} was not accepted "
            f"({reason.verify_message}); a proxy that inspects TLS needs its CA certificate "
            "installed (SSL_CERT_FILE)"
        )
    if isinstance(reason, ssl.SSLError):
        return f"TLS: the connection to {api_host} failed ({reason.reason or reason})"
    if isinstance(reason, socket.gaierror):
        if proxy:
            return (
                f"proxy: cannot resolve the proxy {proxy_host} or {api_host} "
                f"(DNS: {reason.strerror}); check SLACK_PROXY / HTTPS_PROXY"
            )
        return (
            f"DNS: cannot resolve {api_host} ({reason.strerror}); check the network's DNS, or "
            "set HTTPS_PROXY (or SLACK_PROXY) if this network reaches the internet via a proxy"
        )
    text = str(reason)
    if proxy and (isinstance(reason, ConnectionError) or "Tunnel connection failed" in text):
        return f"proxy: {proxy} did not carry the connection to {api_host} ({text[:120]})"
    if isinstance(reason, ConnectionRefusedError):
        return f"{where}: {api_host} refused the connection; a firewall may require a proxy"
    if isinstance(reason, TimeoutError | socket.timeout):
        return f"{where}: no answer from {api_host} (timed out); a firewall may require a proxy"
    return f"{where}: cannot reach Slack at {settings.slack_api_url} ({type(reason).__name__})"


def run_checks(settings: Settings) -> list[str]:
    problems: list[str] = check_database(settings)
    placeholders = placeholder_problems(settings)
    if placeholders:
        return problems + placeholders  # Slack would only refuse them again, less clearly
    problems += port_problems(settings)
    problems += slack_problems(settings)
    return problems


def placeholder_problems(settings: Settings) -> list[str]:
    """`.env.example`'s sample values pass the format checks; copied unchanged they are wrong."""
    values = {
        "SLACK_BOT_TOKEN": settings.slack_bot_token,
        "DESK_CHANNEL_ID": settings.desk_channel_id,
    }
    return [
        f"{name}: {values[name]} is the example value from .env.example; {fix}"
        for name, (placeholder, fix) in PLACEHOLDERS.items()
        if values[name] == placeholder
    ]


def port_problems(settings: Settings) -> list[str]:
    """The port `run` would listen on (PORT, or HEALTH_PORT in Socket Mode) must be free."""
    if settings.socket_mode:
        setting, port = "HEALTH_PORT", settings.health_port
    else:
        setting, port = "PORT", settings.port
    if not port:
        return []
    try:
        # Bound as waitress binds it (SO_REUSEADDR: a port in TIME_WAIT counts as free).
        with socket.create_server((settings.host, port)):
            pass
    except OSError as exc:
        return [port_problem(setting, settings.host, port, exc)]
    return []


def slack_problems(settings: Settings) -> list[str]:
    """What `run` asks Slack at start: the bot token, the app-level token (Socket Mode), the
    desk channel (private, the bot a member); each refusal worded as `run` words it."""
    client = probe_client(settings)
    try:
        auth = client.auth_test()
    except SlackApiError as exc:
        return [refused_bot_token(str(exc.response.get("error")))]
    except (SlackClientError, OSError) as exc:
        return [describe_network_error(settings, exc)]
    problems = app_token_problems(settings)
    problems += desk_channel_problems(settings, client, str(auth.get("user_id") or ""))
    return problems


def app_token_problems(settings: Settings) -> list[str]:
    """Socket Mode starts with `apps.connections.open`; `check` makes the same call (the URL it
    answers is not used: Slack forgets an unused one)."""
    if settings.slack_app_token is None:
        return []
    try:
        probe_client(settings, settings.slack_app_token).apps_connections_open(
            app_token=settings.slack_app_token
        )
    except SlackApiError as exc:
        return [refused_app_token(str(exc.response.get("error")))]
    except (SlackClientError, OSError) as exc:
        return [describe_network_error(settings, exc)]
    return []


def desk_channel_problems(settings: Settings, client: WebClient, bot_user: str) -> list[str]:
    problems: list[str] = []
    channel_id = settings.desk_channel_id
    try:
        info = client.conversations_info(channel=channel_id)
    except SlackApiError as exc:
        error = exc.response.get("error")
        if error == "missing_scope" and "channels:read" in str(exc.response.get("needed", "")):
            # The app holds scopes for private channels only: Slack refuses to describe a
            # public channel to it, which is how a public desk channel shows itself.
            problems.append(public_channel_problem(channel_id))
        else:
            problems.append(desk_channel_unreachable(channel_id, str(error)))
        return problems
    channel = info.get("channel") or {}
    if not channel.get("is_private", True):
        problems.append(public_channel_problem(channel_id))
        return problems
    if channel.get("is_archived"):
        problems.append(f"DESK_CHANNEL_ID: {channel_id} is archived")
    if not channel.get("is_member"):
        try:
            members = client.conversations_members(channel=channel_id, limit=1000)
            is_member = bot_user in (members.get("members") or [])
        except SlackApiError:
            is_member = False
        if not is_member:
            problems.append(desk_channel_unreachable(channel_id, NOT_MEMBER))
    return problems
