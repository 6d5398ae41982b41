"""Who is desk staff: the members of the desk channel, asked of Slack and cached briefly.

Every desk action and every read of case details checks this on the server, each time. The
cache keeps that cheap, and it holds across replicas:

- a membership event reaches one replica; that replica bumps a generation counter in the
  database, and every replica compares the counter with the one its cache was built under on
  each check, so a removal counts everywhere as soon as the event is handled;
- without an event, the cache lives `STAFF_CACHE_TTL` (default 60 s);
- a fetch that started before an invalidation is never cached (its list may be the stale one);
- the bot itself is never staff (it is a member of the channel, but cannot be assigned a case).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime

from slack_sdk import WebClient
from slack_sdk.errors import SlackClientError
from sqlalchemy import Engine

from storage.db import SessionFactory
from storage.repositories import staff as staff_repo

log = logging.getLogger(__name__)
# A fetch overtaken by invalidations is tried again this often before its answer is used
# uncached (it is still the best answer there is, but it is never kept).
FETCH_ROUNDS = 3


class DeskStaff:
    def __init__(
        self,
        *,
        client: WebClient,
        desk_channel_id: str,
        sessions: SessionFactory | None = None,
        engine: Engine | None = None,
        ttl_seconds: float = 60.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self._channel = desk_channel_id
        self._sessions = sessions
        self._engine = engine
        self._ttl = ttl_seconds
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._members: frozenset[str] | None = None
        self._fetched_at = 0.0
        # What the cached list was built under: the shared (database) generation and a local
        # counter bumped by every invalidation in this process.
        self._shared_generation = -1
        self._local_generation = 0
        self._bot_user_id: str | None = None

    @property
    def channel_id(self) -> str:
        return self._channel

    def members(self) -> frozenset[str]:
        """The desk channel's members. When Slack cannot answer, the last known list is used;
        with none known, nobody counts as staff (fail closed: case details are sensitive)."""
        shared = self._shared()
        with self._lock:
            fresh = (
                self._members is not None
                and shared == self._shared_generation
                and self._monotonic() - self._fetched_at < self._ttl
            )
            if fresh and self._members is not None:
                return self._members
            if shared != self._shared_generation:
                self._members = None  # another replica saw a membership change
        members = frozenset[str]()
        for _round in range(FETCH_ROUNDS):
            with self._lock:
                local_before = self._local_generation
            try:
                members = self._fetch()
            except (SlackClientError, OSError) as exc:
                log.warning("could not list desk members: %s", exc)
                with self._lock:
                    return self._members or frozenset()
            shared_after = self._shared()
            with self._lock:
                if self._local_generation == local_before and shared_after == shared:
                    self._members, self._fetched_at = members, self._monotonic()
                    self._shared_generation = shared
                    return members
            # Membership changed while Slack was answering: that answer may predate it.
            shared = shared_after
        return members

    def cached_members(self) -> frozenset[str] | None:
        """The last known members without asking Slack (None when none are known): for code
        that runs inside a transaction or before an ack and must not wait on the network."""
        with self._lock:
            return self._members

    def is_staff(self, user_id: str) -> bool:
        return user_id in self.members()

    def invalidate(self) -> None:
        """Forget the list in this process (and make any fetch in flight not count)."""
        with self._lock:
            self._members = None
            self._local_generation += 1

    def membership_changed(self) -> None:
        """A membership event: forget the list here and tell every other replica."""
        self.invalidate()
        if self._sessions is not None:
            with self._sessions.begin() as session:
                staff_repo.bump(session, datetime.now(UTC))

    def _shared(self) -> int:
        if self._engine is None:
            return 0
        return staff_repo.read_outside_transactions(self._engine)

    def _bot(self) -> str:
        """The bot's own user id (auth.test, asked once); a failure fails the fetch."""
        if self._bot_user_id is None:
            self._bot_user_id = str(self._client.auth_test().get("user_id") or "")
        return self._bot_user_id

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
                break
        return frozenset(members - {self._bot()})
