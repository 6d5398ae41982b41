"""DESK_LEADS: the people told when a case stays unacknowledged. User ids, or user groups (S…)
resolved with usergroups.users.list and cached briefly."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from slack_sdk import WebClient
from slack_sdk.errors import SlackClientError

from bot.slack.cache import TtlCache

log = logging.getLogger(__name__)


class LeadsUnavailable(Exception):
    """A user group could not be resolved and no earlier answer is known: try again later."""


class DeskLeads:
    def __init__(
        self,
        *,
        client: WebClient,
        leads: tuple[str, ...],
        ttl_seconds: float = 300.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self._leads = leads
        self._cache: TtlCache[tuple[str, ...], tuple[str, ...]] = TtlCache(
            ttl_seconds, monotonic=monotonic
        )

    @property
    def configured(self) -> bool:
        return bool(self._leads)

    def user_ids(self) -> tuple[str, ...]:
        """Every lead's user id, groups expanded, duplicates removed, in the configured order."""
        fresh = self._cache.fresh(self._leads)
        if fresh is not None:
            return fresh
        try:
            resolved = self._resolve()
        except (SlackClientError, OSError) as exc:
            log.warning("could not resolve DESK_LEADS user groups: %s", exc)
            known = self._cache.last(self._leads)
            if known is not None:
                return known
            raise LeadsUnavailable(str(exc)) from exc
        self._cache.put(self._leads, resolved)
        return resolved

    def _resolve(self) -> tuple[str, ...]:
        users: list[str] = []
        for lead in self._leads:
            if lead.startswith("S"):
                response = self._client.usergroups_users_list(usergroup=lead)
                users.extend(str(user) for user in response.get("users") or [])
            else:
                users.append(lead)
        return tuple(dict.fromkeys(users))
