"""Moving check-ins into humane local hours: pure functions, across zones, DST and weekends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.checkins.schedule import contact_today, due_times, is_allowed, next_allowed, zone_for

TOKYO = ZoneInfo("Asia/Tokyo")
NEW_YORK = ZoneInfo("America/New_York")
UTC_ZONE = ZoneInfo("UTC")
WORKDAYS = frozenset(range(5))
EVERY_DAY = frozenset(range(7))
OFFICE = (10, 18)


def local(zone: ZoneInfo, *args: int) -> datetime:
    return datetime(*args).replace(tzinfo=zone)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("zone", "moment", "expected"),
    [
        # Inside the window on a weekday: unchanged.
        (TOKYO, (2026, 3, 3, 11, 30), (2026, 3, 3, 11, 30)),
        # Before the window: same day at 10:00 local.
        (TOKYO, (2026, 3, 3, 7, 0), (2026, 3, 3, 10, 0)),
        # 18:00 is already outside (the end is exclusive): next day 10:00.
        (TOKYO, (2026, 3, 3, 18, 0), (2026, 3, 4, 10, 0)),
        (TOKYO, (2026, 3, 3, 17, 59), (2026, 3, 3, 17, 59)),
        # Friday evening and Saturday: Monday 10:00.
        (TOKYO, (2026, 3, 6, 19, 0), (2026, 3, 9, 10, 0)),
        (TOKYO, (2026, 3, 7, 12, 0), (2026, 3, 9, 10, 0)),
        (UTC_ZONE, (2026, 3, 8, 23, 59), (2026, 3, 9, 10, 0)),
        # A negative offset: 02:00 in New York is still "the day before" 10:00 New York time.
        (NEW_YORK, (2026, 3, 3, 2, 0), (2026, 3, 3, 10, 0)),
        (NEW_YORK, (2026, 3, 3, 23, 0), (2026, 3, 4, 10, 0)),
    ],
)
def test_due_times_move_to_the_next_allowed_local_hour(
    zone: ZoneInfo, moment: tuple[int, ...], expected: tuple[int, ...]
) -> None:
    shifted = next_allowed(local(zone, *moment), zone, OFFICE, WORKDAYS)
    assert shifted.tzinfo is not None and shifted.utcoffset() == timedelta(0)
    assert shifted == local(zone, *expected)
    assert is_allowed(shifted, zone, OFFICE, WORKDAYS)


def test_the_same_instant_lands_differently_per_zone() -> None:
    # Tuesday 2026-03-03 01:00 UTC = 10:00 in Tokyo, 01:00 in UTC, Monday 20:00 in New York.
    instant = datetime(2026, 3, 3, 1, 0, tzinfo=UTC)
    assert next_allowed(instant, TOKYO, OFFICE, WORKDAYS) == instant
    assert next_allowed(instant, UTC_ZONE, OFFICE, WORKDAYS) == datetime(
        2026, 3, 3, 10, 0, tzinfo=UTC
    )
    assert next_allowed(instant, NEW_YORK, OFFICE, WORKDAYS) == local(NEW_YORK, 2026, 3, 3, 10)


def test_daylight_saving_keeps_the_local_hour_not_the_utc_instant() -> None:
    # New York springs forward on Sunday 2026-03-08: 10:00 is 15:00 UTC before, 14:00 UTC after.
    friday_night = local(NEW_YORK, 2026, 3, 6, 20, 0)
    monday = next_allowed(friday_night, NEW_YORK, OFFICE, WORKDAYS)
    assert monday == datetime(2026, 3, 9, 14, 0, tzinfo=UTC)
    assert monday.astimezone(NEW_YORK).hour == 10
    before = next_allowed(local(NEW_YORK, 2026, 3, 5, 20), NEW_YORK, OFFICE, WORKDAYS)
    assert before == datetime(2026, 3, 6, 15, 0, tzinfo=UTC)
    # A window that starts inside the skipped hour begins at the first real instant after it.
    gap = next_allowed(local(NEW_YORK, 2026, 3, 8, 0, 30), NEW_YORK, (2, 4), EVERY_DAY)
    assert gap == datetime(2026, 3, 8, 7, 0, tzinfo=UTC)
    assert gap.astimezone(NEW_YORK).hour == 3
    # Falling back (2026-11-01): 01:30 happens twice; both are inside a 1-2 window.
    first = datetime(2026, 11, 1, 5, 30, tzinfo=UTC)
    second = datetime(2026, 11, 1, 6, 30, tzinfo=UTC)
    assert next_allowed(first, NEW_YORK, (1, 2), EVERY_DAY) == first
    assert next_allowed(second, NEW_YORK, (1, 2), EVERY_DAY) == second


def test_any_hour_and_every_day_change_nothing() -> None:
    moment = datetime(2026, 3, 7, 3, 17, 42, tzinfo=UTC)  # a Saturday, 03:17
    assert next_allowed(moment, TOKYO, (0, 24), EVERY_DAY) == moment
    assert next_allowed(moment, TOKYO, (0, 24), WORKDAYS) == local(TOKYO, 2026, 3, 9, 0, 0)


def test_offsets_after_a_report_each_land_in_office_hours() -> None:
    # Reported on Friday 2026-03-06 at 17:30 in Tokyo.
    reported = local(TOKYO, 2026, 3, 6, 17, 30)
    first, week, month = due_times(
        reported,
        (timedelta(days=1), timedelta(days=7), timedelta(days=30)),
        TOKYO,
        OFFICE,
        WORKDAYS,
    )
    assert first == local(TOKYO, 2026, 3, 9, 10)  # Saturday -> Monday morning
    assert week == local(TOKYO, 2026, 3, 13, 17, 30)  # Friday, still in hours
    assert month == local(TOKYO, 2026, 4, 6, 10)  # Sunday 5 Apr -> Monday
    assert all(moment.astimezone(TOKYO).weekday() < 5 for moment in (first, week, month))
    seconds = due_times(
        reported, (timedelta(seconds=1), timedelta(seconds=2)), TOKYO, (0, 24), EVERY_DAY
    )
    assert seconds == [reported + timedelta(seconds=1), reported + timedelta(seconds=2)]


def test_contact_today_or_the_next_working_window() -> None:
    assert contact_today(local(TOKYO, 2026, 3, 3, 11), TOKYO, OFFICE, WORKDAYS) is None
    assert contact_today(local(TOKYO, 2026, 3, 6, 21), TOKYO, OFFICE, WORKDAYS) == local(
        TOKYO, 2026, 3, 9, 10
    )


def test_unknown_time_zones_fall_back_to_tokyo() -> None:
    assert zone_for(None) == TOKYO
    assert zone_for("Mars/Olympus_Mons") == TOKYO
    assert zone_for("America/New_York") == NEW_YORK
