"""Desk-hours arithmetic (pure: no Slack, no database).

`DESK_HOURS` (`9-18`), `DESK_WEEKDAYS` (`mon-fri`), `DESK_TIMEZONE` (`Asia/Tokyo`) and
`DESK_HOLIDAYS` (`jp` or `none`) describe when the desk is staffed. Ordinary cases count their
acknowledgement target in open time only (30 minutes asked at 17:50 on a Friday are due at 9:20 on
Monday); in-danger cases keep the 24/7 clock. The defaults (`0-24`, `all`, `none`) keep the clock
running around the clock, so nothing changes until an operator sets the desk's real hours.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

HOLIDAY_CHOICES = ("jp", "none")
# A calendar with no open day at all would never end a search: give up after this many days.
_SEARCH_DAYS = 3 * 366


def no_holidays(day: date) -> bool:
    return False


@functools.cache
def _japanese_calendar(year: int) -> frozenset[date]:
    import holidays  # a maintained calendar (moved holidays, substitute holidays 振替休日)

    return frozenset(holidays.country_holidays("JP", years=year).keys())


def japanese_holiday(day: date) -> bool:
    return day in _japanese_calendar(day.year)


def holiday_calendar(name: str) -> Callable[[date], bool]:
    """`jp` = Japanese public holidays (the `holidays` package), `none` = no holidays."""
    if name == "jp":
        return japanese_holiday
    if name == "none":
        return no_holidays
    raise ValueError(f"{name!r} must be one of: {', '.join(HOLIDAY_CHOICES)}")


def parse_timezone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"{name!r} is not a time zone name like Asia/Tokyo") from None


def parse_holidays(name: str) -> str:
    cleaned = name.strip().lower()
    holiday_calendar(cleaned)
    return cleaned


@dataclass(frozen=True)
class DeskHours:
    """When the desk is open: `start`..`end` local hours on `weekdays`, except holidays."""

    start: int = 0
    end: int = 24
    weekdays: frozenset[int] = field(default_factory=lambda: frozenset(range(7)))
    tz: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Tokyo"))
    holidays: str = "none"

    @property
    def always_open(self) -> bool:
        return (
            self.start == 0
            and self.end == 24
            and len(self.weekdays) == 7
            and self.holidays == "none"
        )

    def _is_holiday(self, day: date) -> bool:
        return holiday_calendar(self.holidays)(day)

    def is_open_day(self, day: date) -> bool:
        return day.weekday() in self.weekdays and not self._is_holiday(day)

    def _window(self, day: date) -> tuple[datetime, datetime]:
        """The day's open period as UTC instants (the end may be next midnight)."""
        opens = datetime.combine(day, time(self.start), self.tz)
        if self.end == 24:
            closes = datetime.combine(day + timedelta(days=1), time(0), self.tz)
        else:
            closes = datetime.combine(day, time(self.end), self.tz)
        return opens.astimezone(UTC), closes.astimezone(UTC)

    def is_open(self, moment: datetime) -> bool:
        if self.always_open:
            return True
        local = moment.astimezone(self.tz)
        return self.is_open_day(local.date()) and self.start <= local.hour < self.end

    def _next_window(self, moment: datetime) -> tuple[datetime, datetime] | None:
        local_day = moment.astimezone(self.tz).date()
        for offset in range(-1, _SEARCH_DAYS):
            day = local_day + timedelta(days=offset)
            if not self.is_open_day(day):
                continue
            opens, closes = self._window(day)
            if closes > moment:
                return opens, closes
        return None

    def next_open(self, moment: datetime) -> datetime:
        """`moment` when the desk is open then, otherwise when it next opens."""
        if self.always_open:
            return moment
        window = self._next_window(moment)
        if window is None:
            return moment  # no open day in three years: behave as if always open
        return max(moment, window[0])

    def add_open_time(self, start: datetime, amount: timedelta) -> datetime:
        """The instant at which `amount` of open desk time has passed since `start`."""
        if self.always_open or amount <= timedelta(0):
            return start + max(amount, timedelta(0))
        moment, left = start, amount
        for _ in range(_SEARCH_DAYS):
            window = self._next_window(moment)
            if window is None:
                return moment + left
            opens, closes = window
            moment = max(moment, opens)
            available = closes - moment
            if left <= available:
                return moment + left
            left -= available
            moment = closes
        return moment + left

    def open_time_between(self, start: datetime, end: datetime) -> timedelta:
        """How much open desk time lies between two instants (zero if `end` is not later)."""
        if end <= start:
            return timedelta(0)
        if self.always_open:
            return end - start
        total, moment = timedelta(0), start
        for _ in range(_SEARCH_DAYS):
            window = self._next_window(moment)
            if window is None or window[0] >= end:
                break
            opens, closes = window
            begin = max(moment, opens)
            finish = min(end, closes)
            if finish > begin:
                total += finish - begin
            if closes >= end:
                break
            moment = closes
        return total

    def warm_up(self, now: datetime) -> None:
        """Load the holiday calendar for this year and the next at start: the first load imports
        the `holidays` package (seconds on a busy machine), which must not happen inside the
        3 seconds a report submission has to be acknowledged."""
        if self.holidays != "none":
            local = now.astimezone(self.tz).date()
            for year in (local.year, local.year + 1):
                self._is_holiday(date(year, 1, 1))

    def due(self, start: datetime, amount: timedelta, *, urgent: bool) -> datetime:
        """An SLA due time: 24/7 for someone in danger, open desk time otherwise."""
        return start + amount if urgent else self.add_open_time(start, amount)
