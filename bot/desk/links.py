"""Links to case messages, built from the desk channel and the stored ts (no Slack call per case).

A permalink needs the workspace's URL, which only auth.test tells; it is asked once per process
and Web API base URL, and not remembered when Slack could not answer (the next use asks again).
"""

from __future__ import annotations

import logging
import threading

from slack_sdk import WebClient
from slack_sdk.errors import SlackClientError

log = logging.getLogger(__name__)


class WorkspaceLinks:
    def __init__(self, client: WebClient) -> None:
        self._client = client
        self._lock = threading.Lock()
        self._base: str | None = None

    def base_url(self) -> str | None:
        with self._lock:
            if self._base is not None:
                return self._base
        try:
            url = str(self._client.auth_test().get("url") or "")
        except (SlackClientError, OSError) as exc:
            log.warning("auth.test failed, case links left out: %s", exc)
            return None
        if not url:
            return None
        base = url if url.endswith("/") else url + "/"
        with self._lock:
            self._base = base
        return base

    def message(self, channel: str, ts: str | None) -> str | None:
        base = self.base_url() if ts else None
        if base is None or ts is None:
            return None
        return message_permalink(base, channel, ts)


def message_permalink(base_url: str, channel: str, ts: str) -> str:
    """The same form chat.getPermalink returns: `<workspace>/archives/<channel>/p<ts digits>`."""
    return f"{base_url}archives/{channel}/p{ts.replace('.', '')}"


_shared: dict[tuple[str, str], WorkspaceLinks] = {}
_shared_lock = threading.Lock()


def links_for(client: WebClient) -> WorkspaceLinks:
    """One `WorkspaceLinks` per (API URL, token), so auth.test is asked once per process."""
    key = (client.base_url, client.token or "")
    with _shared_lock:
        links = _shared.get(key)
        if links is None:
            links = _shared[key] = WorkspaceLinks(client)
        return links
