"""Noise throttles that lose nothing (issue 10, finding 6).

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

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from bot.report.service import ReportHook
from storage.models import Case, UrgentPing

FORM_WINDOW_SECONDS = 60.0


def urgent_ping_hook(window: timedelta) -> ReportHook:
    def decide(session: Session, case: Case, now: datetime) -> None:
        if not case.in_danger:
            return
        if session.get_bind().dialect.name == "postgresql":
            # Two urgent reports from one person at the same moment must not both ping.
            key = f"urgent:{case.reporter_user_id}"
            session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": key})
        last = session.scalar(
            select(func.max(UrgentPing.pinged_at)).where(
                UrgentPing.reporter_user_id == case.reporter_user_id
            )
        )
        if last is None or now - last >= window:
            session.add(
                UrgentPing(case_id=case.id, reporter_user_id=case.reporter_user_id, pinged_at=now)
            )
            session.flush()

    return decide


def mentions_desk(session: Session, case: Case) -> bool:
    """Whether the case message may carry DESK_MENTION: only urgent cases that pinged."""
    return session.get(UrgentPing, case.id) is not None


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
