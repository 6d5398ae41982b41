"""SLA timers: re-ping the desk, then tell the leads; once each, stopped by acknowledging,
surviving restarts and a second replica. Time is a FrozenClock moved by hand."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from bot.clock import FrozenClock
from bot.desk import ids
from bot.standin import SlackStandIn
from tests.desk_support import (
    actions_of,
    case_message,
    click,
    load,
    report,
    text_of,
    thread_texts,
    wait_thread,
)
from tests.harness import DESK_STAFF, REPORTER_EN, REPORTER_JA, AppHarness

LEAD_USER = "U0LEAD0001"
GROUP_LEAD = "U0LEAD0002"
SLA = timedelta(minutes=10)


def frozen() -> FrozenClock:
    return FrozenClock(datetime.now(UTC).replace(microsecond=0))


def harness(slack: SlackStandIn, url: str, clock: FrozenClock, **env: str) -> AppHarness:
    return AppHarness(slack, url, env_overrides={"ACK_SLA": "10m", **env}, clock=clock)


def settle(seconds: float = 2.5) -> None:
    """Let a few 1 s ticks pass, for asserting that nothing more happens."""
    time.sleep(seconds)


def test_unacknowledged_case_is_repinged_then_escalated_to_leads(
    slack: SlackStandIn, database_url: str
) -> None:
    slack.add_user(LEAD_USER, "lead", tz="Asia/Tokyo", locale="en-US")
    clock = frozen()
    with harness(slack, database_url, clock, DESK_LEADS=LEAD_USER) as app:
        case = report(app, REPORTER_JA)
        settle(1.5)
        assert thread_texts(app, case) == []

        clock.advance(SLA + timedelta(seconds=1))
        texts = wait_thread(app, case, lambda t: len(t) >= 1)
        assert texts[0].count("<!here>") >= 1 and "10分経っても確認されていません" in texts[0]
        assert load(app, case.id).sla_stage == 1
        assert actions_of(app, case.id)[-1] == "sla:reping"
        app.slack.wait_for(
            lambda: "目標時間内に確認されていません" in text_of(case_message(app, case)),
            timeout=10,
        )
        assert slack.dms(LEAD_USER) == []

        clock.advance(SLA)
        app.slack.wait_for(lambda: slack.dms(LEAD_USER), timeout=10)
        dm = text_of(slack.dms(LEAD_USER)[0])
        assert case.reference in dm and "desk lead" in dm
        assert f"archives/C0DESK0001/p{str(case.desk_message_ts).replace('.', '')}" in dm
        assert "shouted" not in dm  # no case details to someone who may not be desk staff
        texts = wait_thread(app, case, lambda t: len(t) >= 2)
        assert "窓口責任者にDMで知らせました" in texts[1]
        assert actions_of(app, case.id)[-1] == "sla:leads"

        # Fired once each: more time and more ticks add nothing.
        clock.advance(SLA * 5)
        settle()
        assert len(thread_texts(app, case)) == 2
        assert len(slack.dms(LEAD_USER)) == 1
        stored = load(app, case.id)
        assert (stored.sla_stage, stored.sla_due_at) == (2, None)


def test_leads_may_be_a_user_group_and_without_leads_the_desk_is_pinged_again(
    slack: SlackStandIn, database_url: str
) -> None:
    slack.add_user(GROUP_LEAD, "grouplead", tz="UTC", locale="ja-JP")
    slack.add_usergroup("S0LEADS001", [GROUP_LEAD])
    clock = frozen()
    with harness(slack, database_url, clock, DESK_LEADS="S0LEADS001") as app:
        case = report(app, REPORTER_EN)
        clock.advance(SLA * 2 + timedelta(seconds=1))
        app.slack.wait_for(lambda: slack.dms(GROUP_LEAD), timeout=10)
        assert "窓口責任者としてお知らせしています" in text_of(slack.dms(GROUP_LEAD)[0])
        assert slack.calls_to("usergroups.users.list")
        # Both steps came due at once (the app was busy or down): both fire, in order.
        texts = wait_thread(app, case, lambda t: len(t) >= 2)
        assert ":alarm_clock:" in texts[0] and "DMで知らせました" in texts[1]


def test_no_leads_configured_repings_the_desk_and_says_so(
    slack: SlackStandIn, database_url: str
) -> None:
    clock = frozen()
    with harness(slack, database_url, clock) as app:
        case = report(app, REPORTER_EN)
        clock.advance(SLA + timedelta(seconds=1))
        wait_thread(app, case, lambda t: len(t) >= 1)
        clock.advance(SLA)
        texts = wait_thread(app, case, lambda t: len(t) >= 2)
        assert "<!here>" in texts[1] and "アプリの設定に窓口責任者が登録されていない" in texts[1]
        assert actions_of(app, case.id)[-1] == "sla:no_leads"


def test_acknowledging_stops_the_timer_and_urgent_cases_come_sooner(
    slack: SlackStandIn, database_url: str
) -> None:
    clock = frozen()
    with harness(slack, database_url, clock, DESK_MENTION="S0DESKTEAM") as app:
        calm = report(app, REPORTER_EN)
        urgent = report(app, REPORTER_JA, in_danger="yes")
        click(app, calm, ids.ACKNOWLEDGE_ACTION, DESK_STAFF[0])
        app.slack.wait_for(lambda: load(app, calm.id).status == "acknowledged", timeout=10)

        clock.advance(SLA / 4 + timedelta(seconds=1))  # URGENT_SLA_FRACTION = 0.25
        texts = wait_thread(app, urgent, lambda t: any(":alarm_clock:" in x for x in t))
        assert any("<!subteam^S0DESKTEAM>" in x for x in texts)

        clock.advance(SLA * 3)
        wait_thread(app, urgent, lambda t: sum(":rotating_light:" in x for x in t) >= 1)
        settle()
        assert not any(":alarm_clock:" in x for x in thread_texts(app, calm))
        assert "sla:reping" not in actions_of(app, calm.id)


def test_timers_survive_a_restart_and_fire_once_across_replicas(
    slack: SlackStandIn, database_url: str
) -> None:
    clock = frozen()
    with harness(slack, database_url, clock) as first:
        case = report(first, REPORTER_EN)
    # Down while the SLA passes; two replicas come up on the same database.
    clock.advance(SLA + timedelta(minutes=1))
    with harness(slack, database_url, clock) as one, harness(slack, database_url, clock) as two:
        wait_thread(one, case, lambda t: len(t) >= 1)
        settle()
        assert len(thread_texts(two, case)) == 1
        assert actions_of(one, case.id).count("sla:reping") == 1
