"""When a check-in may go out: pure functions of time, zone, allowed hours and weekdays.

A check-in is only ever sent in the reporter's own local working hours (`CHECKIN_HOURS`) on an
allowed weekday (`CHECKIN_WEEKDAYS`). Every due time is moved forward to the first such moment.
Local wall-clock time decides, so daylight-saving changes move the UTC instant, not the hour a
person sees.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_TZ = "Asia/Tokyo"


def zone_for(tz_name: str | None, default: str = DEFAULT_TZ) -> ZoneInfo:
    """The reporter's zone from Slack's `tz`; an unknown or missing name falls back to `default`."""
    for name in (tz_name, default):
        if name:
            try:
                return ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError):
                continue
    return ZoneInfo("UTC")


def is_allowed(
    moment: datetime, zone: ZoneInfo, hours: tuple[int, int], weekdays: Iterable[int]
) -> bool:
    local = moment.astimezone(zone)
    start, end = hours
    return local.weekday() in set(weekdays) and start <= local.hour < end


def _window_start(day: date, hour: int, zone: ZoneInfo) -> datetime:
    # A start inside a spring-forward gap (e.g. 02:00 in New York) resolves with the offset from
    # before the change, i.e. to the first real instant after the gap: what a clock would show.
    return datetime.combine(day, time(hour), tzinfo=zone).astimezone(UTC)


def next_allowed(
    moment: datetime, zone: ZoneInfo, hours: tuple[int, int], weekdays: Iterable[int]
) -> datetime:
    """The earliest instant at or after `moment` inside the allowed hours and weekdays (UTC)."""
    allowed_days = frozenset(weekdays)
    moment = moment.astimezone(UTC)
    if not allowed_days or is_allowed(moment, zone, hours, allowed_days):
        return moment
    start_hour = hours[0]
    today = moment.astimezone(zone).date()
    for ahead in range(8):
        day = today + timedelta(days=ahead)
        if day.weekday() not in allowed_days:
            continue
        start = _window_start(day, start_hour, zone)
        if start >= moment:
            return start
    return moment  # unreachable with at least one allowed day; never loop forever


def due_times(
    reported_at: datetime,
    offsets: Sequence[timedelta],
    zone: ZoneInfo,
    hours: tuple[int, int],
    weekdays: Iterable[int],
) -> list[datetime]:
    """One due time per offset after the report, each moved into the allowed local hours."""
    days = frozenset(weekdays)
    return [next_allowed(reported_at + offset, zone, hours, days) for offset in offsets]


def contact_today(
    now: datetime, zone: ZoneInfo, hours: tuple[int, int], weekdays: Iterable[int]
) -> datetime | None:
    """None when `now` is inside working hours (the desk can call back today); otherwise the
    start of the next working window, to tell the reporter when to expect someone."""
    days = frozenset(weekdays)
    if is_allowed(now, zone, hours, days):
        return None
    return next_allowed(now, zone, hours, days)
