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
        problems: list[Exception] = []

        def failed(exc: Exception) -> None:
            log.warning("could not resolve DESK_LEADS user groups: %s", exc)
            problems.append(exc)

        resolved = self._cache.get(
            self._leads,
            self._resolve,
            failures=(SlackClientError, OSError),
            on_failure=failed,
        )
        if resolved is None:
            raise LeadsUnavailable(str(problems[-1])) from problems[-1]
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
