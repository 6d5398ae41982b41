"""Desk hours in the running app: the SLA counts open hours, the reporter is told when to expect
the desk, and someone in danger keeps the 24/7 clock. Time is a FrozenClock moved by hand."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from bot.clock import FrozenClock
from bot.deskhours.hours import parse_timezone
from bot.standin import SlackStandIn
from tests.desk_support import load, report, text_of, wait_thread
from tests.harness import DESK_STAFF, REPORTER_EN, REPORTER_JA, AppHarness

TOKYO = parse_timezone("Asia/Tokyo")
OFFICE = {
    "ACK_SLA": "30m",
    "DESK_HOURS": "9-18",
    "DESK_WEEKDAYS": "mon-fri",
    "DESK_TIMEZONE": "Asia/Tokyo",
    "DESK_HOLIDAYS": "jp",
}


def jst(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=TOKYO)


def dm_text(app: AppHarness, user: str) -> str:
    def found() -> str | None:
        dms = app.slack.dms(user)
        return text_of(dms[0]) if dms else None

    return str(app.slack.wait_for(found, timeout=15))


def test_a_friday_evening_report_is_due_monday_and_the_reporter_is_told(
    slack: SlackStandIn, database_url: str
) -> None:
    clock = FrozenClock(jst(4, 17, 50).astimezone(UTC))  # Friday 17:50 in Tokyo
    with AppHarness(slack, database_url, env_overrides=OFFICE, clock=clock) as app:
        case = report(app, REPORTER_JA)
        assert load(app, case.id).sla_due_at == jst(7, 9, 20).astimezone(UTC)
        assert "月曜日9:20までに確認し" in dm_text(app, REPORTER_JA)
        # Someone in New York reads the time in their own zone: Sunday 19:20.
        english = report(app, REPORTER_EN)
        assert "by 19:20 on Sunday" in dm_text(app, REPORTER_EN)
        assert load(app, english.id).sla_due_at == jst(7, 9, 20).astimezone(UTC)

        # Nothing fires over the weekend; Monday 9:21 re-pings, and the next step is 30 open
        # minutes later (9:50), not 63 clock hours.
        clock.set(jst(7, 9, 21).astimezone(UTC))
        texts = wait_thread(app, case, lambda t: len(t) >= 1)
        assert "30分" in texts[0]
        assert load(app, case.id).sla_due_at == jst(7, 9, 50).astimezone(UTC)


def test_in_danger_keeps_the_24_7_clock(slack: SlackStandIn, database_url: str) -> None:
    clock = FrozenClock(jst(4, 23, 0).astimezone(UTC))  # Friday 23:00, desk closed
    with AppHarness(slack, database_url, env_overrides=OFFICE, clock=clock) as app:
        case = report(app, REPORTER_JA, in_danger="yes")
        stored = load(app, case.id)
        assert stored.sla_due_at == (jst(4, 23, 0) + timedelta(minutes=7.5)).astimezone(UTC)
        text = dm_text(app, REPORTER_JA)
        # The usual next steps (no desk-hours target: the 24/7 clock runs for a reporter in danger).
        assert "110" in text and "窓口の担当者がご報告を読んで確認し" in text
        assert "受付時間内" not in text


def home_text(app: AppHarness, user: str) -> str:
    def published() -> str | None:
        view = app.slack.home_view(user)
        return json.dumps(view["blocks"], ensure_ascii=False) if view else None

    return str(app.slack.wait_for(published, timeout=10))


def test_the_desk_home_shows_open_or_closed(slack: SlackStandIn, database_url: str) -> None:
    clock = FrozenClock(jst(4, 20, 0).astimezone(UTC))  # Friday 20:00: closed until Monday 9:00
    desk_member = DESK_STAFF[0]
    with AppHarness(slack, database_url, env_overrides=OFFICE, clock=clock) as app:
        for user, needle in ((desk_member, "受付時間外"), (REPORTER_JA, "")):
            event = {"type": "app_home_opened", "user": user, "tab": "home"}
            assert app.sender.event(event).status == 200
            text = home_text(app, user)
            if needle:
                assert needle in text and "月曜日9:00" in text
            else:
                assert "受付時間" not in text  # reporters see no desk section
