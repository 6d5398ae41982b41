"""The playground's clock: real time, plus however far the person has fast-forwarded."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta


class OffsetClock:
    """Runs like the wall clock (the scheduler's ticks and Slack's timestamps stay sensible)
    but can be moved forward, so a check-in due tomorrow is sent within a tick or two."""

    def __init__(self) -> None:
        self._offset = timedelta(0)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return datetime.now(UTC) + self._offset

    @property
    def offset(self) -> timedelta:
        with self._lock:
            return self._offset

    def advance(self, delta: timedelta) -> None:
        if delta <= timedelta(0):
            raise ValueError("the playground's clock only moves forward")
        with self._lock:
            self._offset += delta
