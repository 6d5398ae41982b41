"""Noise throttles that lose nothing.

- Urgent pings: every urgent report is stored and shown, but a person's urgent reports mention
  the desk (`DESK_MENTION`) at most once per `URGENT_PING_WINDOW`; the others say "another
  urgent report from the same person" where the mention would be. Decided once, in the
  report's transaction, so every later re-render of the case message agrees.
- The report form: a second form while one is open (opened less than a minute ago, neither
  sent nor closed) is answered privately instead of opening another modal.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from storage.models import Case
from storage.repositories import pings as pings_repo

FORM_WINDOW_SECONDS = 60.0


def urgent_ping_hook(window: timedelta) -> Callable[[Session, Case, datetime], None]:
    """A report hook: decides, in the report's transaction, whether this case pings the desk."""

    def decide(session: Session, case: Case, now: datetime) -> None:
        if case.in_danger:
            pings_repo.claim_ping(
                session,
                case_id=case.id,
                reporter_user_id=case.reporter_user_id,
                now=now,
                window=window,
            )

    return decide


def mentions_desk(session: Session, case: Case) -> bool:
    """Whether the case message may carry DESK_MENTION: only urgent cases that pinged."""
    return pings_repo.pinged(session, case.id)


class FormThrottle:
    """Who has a report form open (in this process), so a burst of commands opens one modal."""

    def __init__(
        self,
        window_seconds: float = FORM_WINDOW_SECONDS,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._window = window_seconds
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._opened: dict[str, float] = {}

    def try_open(self, user_id: str) -> bool:
        """True (and remembered) unless a form was opened for `user_id` within the window."""
        now = self._monotonic()
        with self._lock:
            for user, at in list(self._opened.items()):
                if now - at >= self._window:
                    del self._opened[user]
            if user_id in self._opened:
                return False
            self._opened[user_id] = now
            return True

    def closed(self, user_id: str) -> None:
        """The form was sent, closed or could not be opened: the next one may open at once."""
        with self._lock:
            self._opened.pop(user_id, None)
