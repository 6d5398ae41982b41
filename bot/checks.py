"""`harassment-desk check`: can this configuration work? One line per problem.

Network failures are named by what failed (DNS, the proxy, TLS, a refused connection), so an
admin on a corporate network knows whether to look at the proxy settings or the firewall.
"""

from __future__ import annotations

import socket
import ssl
from urllib.error import URLError
from urllib.parse import urlsplit

from slack_sdk.errors import SlackApiError, SlackClientError

from bot.config import Settings
from bot.slack.client import interactive_client
from bot.startup import check_database, public_channel_problem

DEFAULT_API_URL = "https://slack.com/api/"


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
    client = interactive_client(settings)
    try:
        auth = client.auth_test()
    except SlackApiError as exc:
        problems.append(f"SLACK_BOT_TOKEN: Slack refused it ({exc.response.get('error')})")
        return problems
    except (SlackClientError, OSError) as exc:
        problems.append(describe_network_error(settings, exc))
        return problems
    bot_user = auth.get("user_id")
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
            problems.append(
                f"DESK_CHANNEL_ID: {channel_id} cannot be read ({error}); invite the bot to the "
                "desk's private channel (/invite @Harassment Desk)"
            )
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
            problems.append(
                f"DESK_CHANNEL_ID: the bot is not a member of {channel_id}; invite it with /invite"
            )
    return problems
