"""DESK_LEADS: the people told when a case stays unacknowledged. User ids, or user groups (S…)
resolved with usergroups.users.list and cached briefly."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from slack_sdk import WebClient
from slack_sdk.errors import SlackClientError

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
        self._ttl = ttl_seconds
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._resolved: tuple[str, ...] | None = None
        self._fetched_at = 0.0

    @property
    def configured(self) -> bool:
        return bool(self._leads)

    def user_ids(self) -> tuple[str, ...]:
        """Every lead's user id, groups expanded, duplicates removed, in the configured order."""
        with self._lock:
            if self._resolved is not None and self._monotonic() - self._fetched_at < self._ttl:
                return self._resolved
        try:
            resolved = self._resolve()
        except (SlackClientError, OSError) as exc:
            log.warning("could not resolve DESK_LEADS user groups: %s", exc)
            with self._lock:
                if self._resolved is not None:
                    return self._resolved
            raise LeadsUnavailable(str(exc)) from exc
        with self._lock:
            self._resolved, self._fetched_at = resolved, self._monotonic()
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
