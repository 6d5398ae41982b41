"""Who a Slack user is, for our purposes: their language and time zone (users.info, cached)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from slack_sdk import WebClient
from slack_sdk.errors import SlackClientError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.clock import Clock
from bot.i18n import normalize_locale
from bot.slack.cache import TtlCache
from storage.db import SessionFactory
from storage.repositories import users as users_repo

log = logging.getLogger(__name__)
PROFILE_TTL = timedelta(hours=24)
# Profiles are also kept in memory for a few minutes: opening the form is on Slack's 3-second
# clock, and a database read per command queued behind every write on SQLite.
MEMORY_TTL = timedelta(minutes=5)


@dataclass(frozen=True)
class Profile:
    user_id: str
    locale: str  # "ja" or "en"
    tz: str  # IANA name

    @property
    def zone(self) -> ZoneInfo:
        try:
            return ZoneInfo(self.tz)
        except (ZoneInfoNotFoundError, ValueError):
            return ZoneInfo("UTC")


class Profiles:
    """Looks users up once a day; a Slack failure falls back to defaults, never breaks a flow."""

    def __init__(
        self,
        *,
        sessions: SessionFactory,
        client: WebClient,
        clock: Clock,
        default_locale: str,
        default_tz: str = "Asia/Tokyo",
    ) -> None:
        self._sessions = sessions
        self._client = client
        self._clock = clock
        self._default_locale = default_locale
        self._default_tz = default_tz
        self._memory: TtlCache[str, tuple[str | None, str | None]] = TtlCache(
            MEMORY_TTL.total_seconds(), monotonic=lambda: clock.now().timestamp()
        )

    def get(self, user_id: str, *, slack_locale: str | None = None) -> Profile:
        """`slack_locale` is used when the payload carries one (some interaction payloads do)."""
        now = self._clock.now()
        remembered = self._memory.fresh(user_id)
        if remembered is not None:
            return self._profile(user_id, slack_locale or remembered[0], remembered[1])
        with self._sessions() as session:
            cached = users_repo.get(session, user_id)
            if cached is not None and now - cached.fetched_at < PROFILE_TTL:
                self._memory.put(user_id, (cached.locale, cached.tz))
                return self._profile(user_id, slack_locale or cached.locale, cached.tz)
        try:
            response = self._client.users_info(user=user_id, include_locale=True)
        except SlackClientError as exc:
            log.warning("users.info failed for %s: %s; using defaults", user_id, exc)
            if cached is not None:
                return self._profile(user_id, slack_locale or cached.locale, cached.tz)
            return self._profile(user_id, slack_locale, None)
        user = response.get("user") or {}
        locale, tz = user.get("locale"), user.get("tz")
        try:
            with self._sessions.begin() as session:
                users_repo.save(session, user_id=user_id, locale=locale, tz=tz, now=now)
        except IntegrityError:
            pass  # another thread cached the same user a moment ago
        self._memory.put(user_id, (locale, tz))
        return self._profile(user_id, slack_locale or locale, tz)

    def cached_locale(self, session: Session, user_id: str) -> str:
        """The locale from the users.info cache, read in the caller's session: for renderers,
        which run inside the outbox worker's transaction and must not call Slack."""
        cached = users_repo.get(session, user_id)
        return normalize_locale(cached.locale if cached else None, self._default_locale)

    def forget(self, user_id: str) -> None:
        self._memory.forget(user_id)
        with self._sessions.begin() as session:
            cached = users_repo.get(session, user_id)
            if cached is not None:
                session.delete(cached)

    def _profile(self, user_id: str, locale: str | None, tz: str | None) -> Profile:
        return Profile(
            user_id=user_id,
            locale=normalize_locale(locale, self._default_locale),
            tz=tz or self._default_tz,
        )
