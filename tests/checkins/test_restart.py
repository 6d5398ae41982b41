"""Check-ins survive restarts: nothing lost after a crash mid-way, nothing sent twice."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select, update

from bot.clock import FrozenClock
from bot.standin import SlackStandIn
from storage.models import CheckIn, OutboxMessage
from tests.checkins.test_flow import checkin_dms, checkins, report, wait_checkin_dms
from tests.harness import REPORTER_JA, AppHarness

TOKYO = ZoneInfo("Asia/Tokyo")


def harness(
    slack: SlackStandIn,
    url: str,
    clock: FrozenClock,
    env: dict[str, str],
    *,
    ticker: bool = True,
) -> AppHarness:
    return AppHarness(slack, url, env_overrides=env, clock=clock, start_ticker=ticker)


def test_restart_mid_schedule_sends_the_rest_once(slack: SlackStandIn, database_url: str) -> None:
    clock = FrozenClock(datetime.now(UTC).replace(microsecond=0))
    with harness(slack, database_url, clock, {"CHECKIN_OFFSETS": "1m,2m"}) as first:
        case = report(first, REPORTER_JA, clock.now())
        clock.advance(timedelta(minutes=1, seconds=5))
        wait_checkin_dms(slack, REPORTER_JA, 1)
        slack.wait_for(lambda: checkins(first, case.id)[0].message_ts)
    clock.advance(timedelta(minutes=5))  # the second one comes due while the bot is down
    time.sleep(1)
    assert len(checkin_dms(slack, REPORTER_JA)) == 1
    with harness(slack, database_url, clock, {"CHECKIN_OFFSETS": "1m,2m"}) as second:
        wait_checkin_dms(slack, REPORTER_JA, 2)
        slack.wait_for(lambda: all(c.message_ts for c in checkins(second, case.id)))
        time.sleep(2.5)
        assert len(checkin_dms(slack, REPORTER_JA)) == 2
        assert [c.status for c in checkins(second, case.id)] == ["sent", "sent"]


def test_a_crash_after_claiming_but_before_sending_loses_nothing(
    slack: SlackStandIn, database_url: str
) -> None:
    clock = FrozenClock(datetime.now(UTC).replace(microsecond=0))
    with harness(slack, database_url, clock, {"CHECKIN_OFFSETS": "1m"}, ticker=False) as first:
        case = report(first, REPORTER_JA, clock.now())
        # The report's own delivery run (kicked by the submission) must have claimed its rows
        # before the check-in is claimed, or it may send the check-in too: wait for its DM.
        slack.wait_for(lambda: slack.dms(REPORTER_JA))
        clock.advance(timedelta(minutes=2))
        job = next(job for job in first.deps.tick_jobs if job.name == "checkins")
        job.run()  # claims the check-in and enqueues its DM, then the process "dies"
        assert checkins(first, case.id)[0].status == "sent"
    assert checkin_dms(slack, REPORTER_JA) == []
    with harness(slack, database_url, clock, {"CHECKIN_OFFSETS": "1m"}) as second:
        wait_checkin_dms(slack, REPORTER_JA, 1)
        slack.wait_for(lambda: checkins(second, case.id)[0].message_ts)
        time.sleep(2.5)
        assert len(checkin_dms(slack, REPORTER_JA)) == 1


def test_a_crash_after_sending_but_before_recording_does_not_repeat_it(
    slack: SlackStandIn, database_url: str
) -> None:
    clock = FrozenClock(datetime.now(UTC).replace(microsecond=0))
    with harness(slack, database_url, clock, {"CHECKIN_OFFSETS": "1m"}) as app:
        case = report(app, REPORTER_JA, clock.now())
        clock.advance(timedelta(minutes=2))
        dm = wait_checkin_dms(slack, REPORTER_JA, 1)[0]
        slack.wait_for(lambda: checkins(app, case.id)[0].message_ts)
        # Rewind to "Slack took the post, then the worker died before writing anything down".
        with app.deps.sessions.begin() as session:
            session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.kind == "checkin.send")
                .values(
                    status="sending",
                    attempts=1,
                    last_error=None,
                    delivered_at=None,
                    result_ts=None,
                    claimed_until=clock.now() - timedelta(seconds=1),
                )
            )
            session.execute(update(CheckIn).values(message_channel=None, message_ts=None))
        slack.wait_for(lambda: checkins(app, case.id)[0].message_ts == dm["ts"], timeout=15)
        time.sleep(1.5)
        assert len(checkin_dms(slack, REPORTER_JA)) == 1
        with app.deps.sessions() as session:
            row = session.scalars(
                select(OutboxMessage).where(OutboxMessage.kind == "checkin.send")
            ).one()
            assert (row.status, row.result_ts) == ("done", dm["ts"])


def test_a_checkin_due_while_down_waits_for_the_next_humane_hour(
    slack: SlackStandIn, database_url: str
) -> None:
    # Tuesday 09:00 in Tokyo; the check-in is due an hour later, at 10:00.
    clock = FrozenClock(datetime(2026, 3, 3, 9, 0, tzinfo=TOKYO).astimezone(UTC))
    env = {"CHECKIN_OFFSETS": "1h", "CHECKIN_HOURS": "10-18"}
    with harness(slack, database_url, clock, env) as first:
        case = report(first, REPORTER_JA, clock.now())
        assert checkins(first, case.id)[0].due_at == datetime(2026, 3, 3, 10, 0, tzinfo=TOKYO)
    clock.set(datetime(2026, 3, 3, 20, 0, tzinfo=TOKYO).astimezone(UTC))  # back up at 20:00
    with harness(slack, database_url, clock, env) as second:
        wednesday = datetime(2026, 3, 4, 10, 0, tzinfo=TOKYO)
        slack.wait_for(lambda: checkins(second, case.id)[0].due_at == wednesday, timeout=10)
        time.sleep(1.5)
        assert checkin_dms(slack, REPORTER_JA) == []
        assert checkins(second, case.id)[0].status == "scheduled"
        clock.set(datetime(2026, 3, 4, 10, 0, 30, tzinfo=TOKYO).astimezone(UTC))
        wait_checkin_dms(slack, REPORTER_JA, 1)
