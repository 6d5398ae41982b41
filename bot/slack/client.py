"""Slack Web API clients that honour SLACK_API_URL and SLACK_PROXY / HTTPS_PROXY, and retry
what is worth retrying."""

from __future__ import annotations

import asyncio
import logging
import threading
from typing import Any

import aiohttp
from slack_sdk import WebClient
from slack_sdk.http_retry import RetryHandler
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import AsyncConnectionErrorRetryHandler
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.web import SlackResponse
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Settings

POOL_SIZE = 8  # connections kept open to Slack per process (the outbox sends one at a time)


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
        proxy=settings.slack_proxy,
    )


def probe_client(settings: Settings, token: str | None = None) -> WebClient:
    """For start-up probes and background checks: no retries and no log lines of its own (the
    caller retries, and says what failed once per try); never used while a person waits."""
    quiet = logging.Logger("harassment_desk.slack_probe")  # not registered: no global change
    quiet.addHandler(logging.NullHandler())
    return WebClient(
        token=token or settings.slack_bot_token,
        base_url=settings.slack_api_url,
        timeout=10,
        proxy=settings.slack_proxy,
        logger=quiet,
    )


def delivery_client(settings: Settings) -> PooledWebClient:
    """For the outbox worker: it reschedules on 429 and failures itself rather than sleeping in
    the client, so one rate-limited channel does not hold up every other delivery. It keeps
    its connections to Slack open (see `PooledWebClient`)."""
    # A delivery must finish (or fail) well inside its claim's lease, or another worker would
    # take the row while this one still holds it.
    timeout = max(1, min(15, int(settings.outbox_lease.total_seconds() / 3)))
    return PooledWebClient(
        token=settings.slack_bot_token,
        base_url=settings.slack_api_url,
        timeout=timeout,
        # A kept-alive connection that Slack closed meanwhile fails as ServerDisconnected:
        # retried once on a fresh connection, as a refused or reset connection is.
        retry_handlers=[AsyncConnectionErrorRetryHandler(max_retry_count=1)],
        proxy=settings.slack_proxy,
    )


class PooledWebClient(WebClient):
    """A WebClient whose calls go through slack_sdk's own AsyncWebClient on one aiohttp
    session, i.e. a pool of kept-alive connections (slack_sdk's WebClient opens a connection
    per call through urllib and takes no other HTTP client). Every `WebClient` method works
    (they all end in `api_call`); calls run on the client's event-loop thread and block the
    calling thread for their answer, so the outbox's code stays synchronous."""

    def __init__(
        self,
        *,
        token: str,
        base_url: str,
        timeout: int,
        retry_handlers: list[AsyncRetryHandler],
        proxy: str | None = None,
    ) -> None:
        super().__init__(token=token, base_url=base_url, timeout=timeout, proxy=proxy)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="slack-http", daemon=True
        )
        self._thread.start()

        async def build() -> AsyncWebClient:
            return AsyncWebClient(
                token=token,
                base_url=base_url,
                timeout=timeout,
                proxy=self.proxy,  # the sync client's, which also reads HTTPS_PROXY
                session=aiohttp.ClientSession(
                    connector=aiohttp.TCPConnector(limit=POOL_SIZE, keepalive_timeout=30)
                ),
                retry_handlers=retry_handlers,
            )

        self._async = asyncio.run_coroutine_threadsafe(build(), self._loop).result()

    def api_call(
        self,
        api_method: str,
        *,
        http_verb: str = "POST",
        files: dict[str, Any] | None = None,
        data: dict[str, Any] | None = None,
        params: dict[str, Any] | None = None,
        json: dict[str, Any] | None = None,
        headers: dict[str, Any] | None = None,
        auth: dict[str, Any] | None = None,
    ) -> SlackResponse:
        call = self._async.api_call(
            api_method,
            http_verb=http_verb,
            files=files,
            data=data,
            params=params,
            json=json,
            headers=headers,
            auth=auth,
        )
        try:
            answer = asyncio.run_coroutine_threadsafe(call, self._loop).result()
        except aiohttp.ClientError as exc:
            # As the urllib client's failures do, connection trouble reaches callers as OSError.
            raise ConnectionError(type(exc).__name__) from exc
        return SlackResponse(
            client=self,
            http_verb=answer.http_verb,
            api_url=answer.api_url,
            req_args=answer.req_args,
            data=answer.data,
            headers=answer.headers,
            status_code=answer.status_code,
        )

    def close(self) -> None:
        """Close the pooled connections and stop the loop thread."""
        if not self._loop.is_running():
            return
        session = self._async.session
        if session is not None:
            asyncio.run_coroutine_threadsafe(session.close(), self._loop).result(timeout=5)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)


def close_client(client: WebClient) -> None:
    """Close a client's pooled connections, if it keeps any."""
    if isinstance(client, PooledWebClient):
        client.close()
