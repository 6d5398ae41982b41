"""Desk hours: SLA time counted in open hours only, 24/7 for in-danger cases, and the wording."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.config import SettingsError, load_settings
from bot.deskhours.hours import DeskHours, parse_timezone
from bot.deskhours.messages import expect_by, open_status

TOKYO = parse_timezone("Asia/Tokyo")
OFFICE = DeskHours(9, 18, frozenset(range(5)), TOKYO, "jp")
VALID = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "DESK_CHANNEL_ID": "C0123ABCD"}


def jst(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=TOKYO)


def test_a_report_late_on_friday_is_due_on_monday_morning() -> None:
    due = OFFICE.due(jst(2026, 12, 4, 17, 50), timedelta(minutes=30), urgent=False)
    assert due == jst(2026, 12, 7, 9, 20)


def test_a_report_at_night_is_due_after_the_desk_opens() -> None:
    due = OFFICE.due(jst(2026, 12, 1, 23, 0), timedelta(minutes=30), urgent=False)
    assert due == jst(2026, 12, 2, 9, 30)


def test_in_danger_cases_keep_the_24_7_clock() -> None:
    due = OFFICE.due(jst(2026, 12, 1, 23, 0), timedelta(minutes=30), urgent=True)
    assert due == jst(2026, 12, 1, 23, 30)


def test_japanese_public_holidays_are_closed_days() -> None:
    # 2027-01-01 (元日, Friday) is a holiday: 30 minutes asked on Thursday evening reach Monday.
    due = OFFICE.due(jst(2026, 12, 31, 17, 45), timedelta(minutes=30), urgent=False)
    assert due == jst(2027, 1, 4, 9, 15)
    # A substitute holiday (振替休日): 2026-05-06 follows Constitution Day week's Sunday holiday.
    assert not OFFICE.is_open(jst(2026, 5, 6, 10, 0))
    no_holidays = DeskHours(9, 18, frozenset(range(5)), TOKYO, "none")
    assert no_holidays.is_open(jst(2026, 5, 6, 10, 0))


def test_open_time_between_counts_only_desk_hours() -> None:
    friday_evening = jst(2026, 12, 4, 17, 0)
    monday_morning = jst(2026, 12, 7, 10, 0)
    assert OFFICE.open_time_between(friday_evening, monday_morning) == timedelta(hours=2)
    assert OFFICE.open_time_between(monday_morning, friday_evening) == timedelta(0)


def test_the_default_is_around_the_clock() -> None:
    hours = load_settings(VALID).desk_hours
    assert hours.always_open
    start = jst(2026, 12, 5, 3, 0)
    assert hours.due(start, timedelta(minutes=30), urgent=False) == start + timedelta(minutes=30)


def test_settings_build_the_desk_hours_and_name_bad_values() -> None:
    env = {
        **VALID,
        "DESK_HOURS": "9-18",
        "DESK_WEEKDAYS": "mon-fri",
        "DESK_TIMEZONE": "Asia/Tokyo",
        "DESK_HOLIDAYS": "jp",
    }
    assert load_settings(env).desk_hours == OFFICE
    bad = {**VALID, "DESK_HOURS": "18-9", "DESK_TIMEZONE": "Mars/Olympus", "DESK_HOLIDAYS": "us"}
    with pytest.raises(SettingsError) as caught:
        load_settings(bad)
    names = sorted(p.split(":")[0] for p in caught.value.problems)
    assert names == ["DESK_HOLIDAYS", "DESK_HOURS", "DESK_TIMEZONE"]


def test_the_reporter_is_told_when_to_expect_the_desk() -> None:
    now = jst(2026, 12, 1, 23, 0)
    due = OFFICE.due(now, timedelta(minutes=30), urgent=False)
    assert expect_by(due, now, TOKYO, "en") == "by 9:30 tomorrow"
    assert expect_by(due, now, TOKYO, "ja") == "明日9:30まで"
    friday = jst(2026, 12, 4, 17, 50)
    monday = OFFICE.due(friday, timedelta(minutes=30), urgent=False)
    assert expect_by(monday, friday, TOKYO, "en") == "by 9:20 on Monday"
    assert expect_by(monday, friday, TOKYO, "ja") == "月曜日9:20まで"
    same_day = jst(2026, 12, 1, 10, 0)
    assert expect_by(same_day + timedelta(minutes=30), same_day, TOKYO, "en") == "by 10:30 today"


def test_the_home_line_says_open_or_closed() -> None:
    assert "open now" in open_status(OFFICE, jst(2026, 12, 1, 10, 0), "en")
    closed = open_status(OFFICE, jst(2026, 12, 1, 20, 0), "en")
    assert "closed now" in closed and "at 9:00 tomorrow" in closed
    assert "受付時間外" in open_status(OFFICE, jst(2026, 12, 5, 10, 0), "ja")


def test_a_desk_that_never_opens_does_not_hang() -> None:
    never = DeskHours(9, 18, frozenset({5}), TOKYO, "none")
    start = datetime(2026, 12, 1, tzinfo=UTC)
    assert never.add_open_time(start, timedelta(hours=1)) > start


def test_the_holiday_calendar_is_loaded_at_start_not_inside_a_request() -> None:
    from bot.deskhours.hours import _japanese_calendar

    OFFICE.warm_up(jst(2031, 6, 1, 12))
    misses = _japanese_calendar.cache_info().misses
    OFFICE.due(jst(2031, 12, 31, 17), timedelta(hours=2), urgent=False)  # into 2032
    assert _japanese_calendar.cache_info().misses == misses  # nothing left to load
