"""Who is desk staff: the members of the desk channel, asked of Slack and cached briefly.

Every desk action and every read of case details checks this on the server, each time. The
cache keeps that cheap; membership events clear it so a removed member loses access at once.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from slack_sdk import WebClient
from slack_sdk.errors import SlackClientError

log = logging.getLogger(__name__)


class DeskStaff:
    def __init__(
        self,
        *,
        client: WebClient,
        desk_channel_id: str,
        ttl_seconds: float = 60.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self._channel = desk_channel_id
        self._ttl = ttl_seconds
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._members: frozenset[str] | None = None
        self._fetched_at = 0.0

    @property
    def channel_id(self) -> str:
        return self._channel

    def members(self) -> frozenset[str]:
        """The desk channel's members. When Slack cannot answer, the last known list is used;
        with none known, nobody counts as staff (fail closed: case details are sensitive)."""
        with self._lock:
            fresh = self._members is not None and self._monotonic() - self._fetched_at < self._ttl
            if fresh and self._members is not None:
                return self._members
        try:
            members = self._fetch()
        except (SlackClientError, OSError) as exc:
            log.warning("could not list desk members: %s", exc)
            with self._lock:
                return self._members or frozenset()
        with self._lock:
            self._members, self._fetched_at = members, self._monotonic()
        return members

    def known_members(self) -> frozenset[str]:
        """The last list fetched, however old (empty if none yet), without asking Slack: for
        code inside a transaction or before an ack, which must not wait for Slack's retries."""
        with self._lock:
            return self._members or frozenset()

    def is_staff(self, user_id: str) -> bool:
        return user_id in self.members()

    def invalidate(self) -> None:
        with self._lock:
            self._members = None

    def _fetch(self) -> frozenset[str]:
        members: set[str] = set()
        cursor: str | None = None
        while True:
            response = self._client.conversations_members(
                channel=self._channel, limit=1000, cursor=cursor
            )
            members.update(response.get("members") or [])
            cursor = (response.get("response_metadata") or {}).get("next_cursor") or None
            if not cursor:
                return frozenset(members)
