"""Who is desk staff: the members of the desk channel, asked of Slack and cached briefly.

Every desk action and every read of case details checks this on the server, each time. The
cache keeps that cheap; membership events clear it so a removed member loses access at once.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from slack_sdk import WebClient
from slack_sdk.errors import SlackClientError

from bot.slack.cache import TtlCache

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
        self._cache: TtlCache[str, frozenset[str]] = TtlCache(ttl_seconds, monotonic=monotonic)

    @property
    def channel_id(self) -> str:
        return self._channel

    def members(self) -> frozenset[str]:
        """The desk channel's members. When Slack cannot answer, the last known list is used;
        with none known, nobody counts as staff (fail closed: case details are sensitive)."""
        members = self._cache.get(
            self._channel,
            self._fetch,
            failures=(SlackClientError, OSError),
            on_failure=lambda exc: log.warning("could not list desk members: %s", exc),
        )
        return members or frozenset()

    def cached_members(self) -> frozenset[str] | None:
        """The last known members without asking Slack (None when none are known): for code
        that runs inside a transaction or before an ack and must not wait on the network."""
        return self._cache.last(self._channel)

    def is_staff(self, user_id: str) -> bool:
        return user_id in self.members()

    def invalidate(self) -> None:
        self._cache.forget(self._channel)

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
