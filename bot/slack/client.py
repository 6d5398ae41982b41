"""Slack Web API clients that honour SLACK_API_URL and retry what is worth retrying."""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.http_retry import RetryHandler
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot.config import Settings


def interactive_client(settings: Settings) -> WebClient:
    """For calls made while a person waits (views.open): retry 429, 5xx and connection errors."""
    handlers: list[RetryHandler] = [
        ConnectionErrorRetryHandler(max_retry_count=2),
        ServerErrorRetryHandler(max_retry_count=2),
        RateLimitErrorRetryHandler(max_retry_count=2),
    ]
    return WebClient(
        token=settings.slack_bot_token,
        base_url=settings.slack_api_url,
        timeout=10,
        retry_handlers=handlers,
    )


def delivery_client(settings: Settings) -> WebClient:
    """For the outbox worker: it reschedules on 429 and failures itself rather than sleeping in
    the client, so one rate-limited channel does not hold up every other delivery."""
    # A delivery must finish (or fail) well inside its claim's lease, or another worker would
    # take the row while this one still holds it.
    timeout = max(1, min(15, int(settings.outbox_lease.total_seconds() / 3)))
    return WebClient(
        token=settings.slack_bot_token,
        base_url=settings.slack_api_url,
        timeout=timeout,
        retry_handlers=[ConnectionErrorRetryHandler(max_retry_count=1)],
    )
