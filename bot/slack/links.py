"""Links to Slack messages, built from what we know (no chat.getPermalink call per message).

A permalink needs the workspace's URL. In a payload it comes as the team's domain; otherwise only
auth.test tells it: `WorkspaceLinks` asks once (one instance is built at start and injected), and
does not remember a failure (the next use asks again).
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
        return message_permalink(self.base_url() if ts else None, channel, ts)


def message_permalink(base_url: str | None, channel: str | None, ts: str | None) -> str | None:
    """The same form chat.getPermalink returns: `<workspace>/archives/<channel>/p<ts digits>`;
    None when any part is unknown."""
    if not (base_url and channel and ts):
        return None
    return f"{base_url}archives/{channel}/p{ts.replace('.', '')}"
