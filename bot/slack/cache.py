"""One small thread-safe TTL cache for answers Slack gives slowly (members, groups, profiles)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class TtlCache(Generic[K, V]):
    """Values remembered for `ttl_seconds`; a stale value stays readable (`last`) as a fallback
    for when the source cannot answer."""

    def __init__(
        self, ttl_seconds: float, *, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        self._ttl = ttl_seconds
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._entries: dict[K, tuple[float, V]] = {}

    def fresh(self, key: K) -> V | None:
        """The value if it was stored less than the TTL ago, else None."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or self._monotonic() - entry[0] >= self._ttl:
                return None
            return entry[1]

    def last(self, key: K) -> V | None:
        """The last stored value however old (None when there is none)."""
        with self._lock:
            entry = self._entries.get(key)
            return entry[1] if entry is not None else None

    def get(
        self,
        key: K,
        fetch: Callable[[], V],
        *,
        failures: tuple[type[Exception], ...],
        on_failure: Callable[[Exception], None],
    ) -> V | None:
        """The fresh value, else `fetch()` (remembered). When `fetch` fails with one of
        `failures`, `on_failure` hears of it and the last value is returned, however old (None
        when there is none)."""
        fresh = self.fresh(key)
        if fresh is not None:
            return fresh
        try:
            value = fetch()
        except failures as exc:
            on_failure(exc)
            return self.last(key)
        self.put(key, value)
        return value

    def put(self, key: K, value: V) -> None:
        with self._lock:
            self._entries[key] = (self._monotonic(), value)

    def forget(self, key: K) -> None:
        with self._lock:
            self._entries.pop(key, None)
