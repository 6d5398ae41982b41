"""Check-ins end to end: scheduled at report time, sent as DMs, every answer, the desk's view."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.clock import FrozenClock
from bot.standin import SlackStandIn
from storage.models import Case, CaseEvent, CheckIn
from tests.harness import (
    DESK_CHANNEL,
    DESK_STAFF,
    OUTSIDER,
    REPORTER_EN,
    REPORTER_JA,
    AppHarness,
)

TOKYO = ZoneInfo("Asia/Tokyo")


# --- helpers shared by the check-in tests ---------------------------------------------------


def text_of(message: dict[str, Any]) -> str:
    return json.dumps(message.get("blocks", []), ensure_ascii=False) + message.get("text", "")


def report(
    app: AppHarness, user_id: str = REPORTER_JA, now: datetime | None = None, **values: Any
) -> Case:
    """File a report through the real modal and return the stored case."""
    before = {case.id for case in all_cases(app)}
    view = app.open_report_form(user_id)
    if now is not None:
        values.setdefault("occurred_at", int(now.timestamp()) - 600)
    response = app.submit_report(view, values, user_id=user_id)
    assert response.status == 200, response.text
    assert response.json()["response_action"] == "update", response.text
    created = [case for case in all_cases(app) if case.id not in before]
    assert len(created) == 1
    return created[0]


def all_cases(app: AppHarness) -> list[Case]:
    with app.deps.sessions() as session:
        return list(session.scalars(select(Case).order_by(Case.id)))


def checkins(app: AppHarness, case_id: int | None = None) -> list[CheckIn]:
    with app.deps.sessions() as session:
        query = select(CheckIn).order_by(CheckIn.due_at, CheckIn.id)
        if case_id is not None:
            query = query.where(CheckIn.case_id == case_id)
        return list(session.scalars(query))


def events(app: AppHarness, case_id: int) -> list[CaseEvent]:
    with app.deps.sessions() as session:
        return list(
            session.scalars(
                select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.id)
            )
        )


def checkin_dms(slack: SlackStandIn, user_id: str) -> list[dict[str, Any]]:
    """The check-in DMs (not the report confirmation), oldest first."""
    return [m for m in slack.dms(user_id) if "checkin_ok" in json.dumps(m.get("blocks", []))]


def wait_checkin_dms(slack: SlackStandIn, user_id: str, count: int) -> list[dict[str, Any]]:
    slack.wait_for(lambda: len(checkin_dms(slack, user_id)) >= count, timeout=20)
    return checkin_dms(slack, user_id)


def button_value(message: dict[str, Any], action_id: str) -> str:
    for block in message.get("blocks", []):
        for element in block.get("elements", []) if block.get("type") == "actions" else []:
            if element.get("action_id") == action_id:
                return str(element.get("value") or element["options"][0]["value"])
    raise AssertionError(f"{action_id} not in message")


def click(
    app: AppHarness, user_id: str, message: dict[str, Any], action_id: str, value: Any = None
) -> None:
    channel = "D" + user_id if message.get("channel") is None else message["channel"]
    payload = app.sender.block_actions(
        action_id, user_id=user_id, value=value, channel_id=channel, message_ts=message["ts"]
    )
    assert app.sender.interaction(payload).status == 200


def click_dm(app: AppHarness, owner: str, clicker: str, action_id: str, value: Any = None) -> None:
    message = checkin_dms(app.slack, owner)[-1]
    payload = app.sender.block_actions(
        action_id, user_id=clicker, value=value, channel_id="D" + owner, message_ts=message["ts"]
    )
    assert app.sender.interaction(payload).status == 200


def click_desk(app: AppHarness, clicker: str, action_id: str, case: Case) -> None:
    stored = next(c for c in all_cases(app) if c.id == case.id)
    assert stored.desk_message_ts
    payload = app.sender.block_actions(
        action_id, user_id=clicker, channel_id=DESK_CHANNEL, message_ts=stored.desk_message_ts
    )
    assert app.sender.interaction(payload).status == 200


def ephemeral_replies(slack: SlackStandIn) -> list[str]:
    return [str(call.args.get("text")) for call in slack.calls_to("response_url")]


def desk_message(app: AppHarness, case: Case) -> dict[str, Any]:
    app.slack.wait_for(lambda: next(c for c in all_cases(app) if c.id == case.id).desk_message_ts)
    stored = next(c for c in all_cases(app) if c.id == case.id)
    assert stored.desk_message_ts
    message = app.slack.find_message(DESK_CHANNEL, stored.desk_message_ts)
    assert message is not None
    return message


def thread(app: AppHarness, case: Case) -> list[dict[str, Any]]:
    stored = next(c for c in all_cases(app) if c.id == case.id)
    return app.slack.replies(DESK_CHANNEL, stored.desk_message_ts or "")


def wait_event(app: AppHarness, case_id: int, action: str) -> CaseEvent:
    app.slack.wait_for(lambda: any(e.action == action for e in events(app, case_id)), timeout=15)
    return next(e for e in events(app, case_id) if e.action == action)


@pytest.fixture
def quick(slack: SlackStandIn, database_url: str) -> Iterator[AppHarness]:
    """One check-in a second after the report, then one a week later; any hour, any day."""
    with AppHarness(slack, database_url, env_overrides={"CHECKIN_OFFSETS": "1s,7d"}) as app:
        yield app


@pytest.fixture
def frozen(slack: SlackStandIn, database_url: str) -> Iterator[tuple[AppHarness, FrozenClock]]:
    clock = FrozenClock(datetime.now(UTC).replace(microsecond=0))
    env = {"CHECKIN_OFFSETS": "1m,7d"}
    with AppHarness(slack, database_url, env_overrides=env, clock=clock) as app:
        yield app, clock


# --- scheduling -------------------------------------------------------------------------------


def test_report_schedules_checkins_in_each_reporters_office_hours(
    slack: SlackStandIn, database_url: str
) -> None:
    # Friday 2026-03-06 17:30 in Tokyo = 08:30 UTC = 03:30 in New York.
    clock = FrozenClock(datetime(2026, 3, 6, 17, 30, tzinfo=TOKYO).astimezone(UTC))
    env = {"CHECKIN_HOURS": "10-18", "CHECKIN_WEEKDAYS": "mon-fri", "CHECKIN_OFFSETS": "1d,7d"}
    with AppHarness(slack, database_url, env_overrides=env, clock=clock) as app:
        now = clock.now()
        tokyo = report(app, REPORTER_JA, now)
        new_york = report(app, REPORTER_EN, now)
        utc = report(app, OUTSIDER, now)
        opted_out = report(app, REPORTER_JA, now, preferences=[])

        def local_due(case: Case, zone: str) -> list[tuple[str, int, int]]:
            return [
                (due.strftime("%a %d"), due.hour, due.minute)
                for due in (c.due_at.astimezone(ZoneInfo(zone)) for c in checkins(app, case.id))
            ]

        # Saturday 17:30 -> Monday 10:00 Tokyo; a week later is Friday 17:30, still in hours.
        assert local_due(tokyo, "Asia/Tokyo") == [("Mon 09", 10, 0), ("Fri 13", 17, 30)]
        # For New York the report came at Friday 03:30: Saturday 03:30 -> Monday 10:00, and
        # Friday 03:30 -> Friday 10:00 (daylight saving starts in between, the hour stays 10).
        assert local_due(new_york, "America/New_York") == [("Mon 09", 10, 0), ("Fri 13", 10, 0)]
        assert local_due(utc, "UTC") == [("Mon 09", 10, 0), ("Fri 13", 10, 0)]
        assert checkins(app, opted_out.id) == []
        assert [c.sequence for c in checkins(app, tokyo.id)] == [1, 2]
        assert all(c.status == "scheduled" for c in checkins(app))

        # The desk sees it on the case message, and that the opted-out reporter chose none.
        line = text_of(desk_message(app, tokyo))
        assert "フォローアップ" in line and "次回" in line
        app.slack.wait_for(
            lambda: "相談者が希望しませんでした" in text_of(desk_message(app, opted_out))
        )
        assert "checkin_desk_extra" not in text_of(desk_message(app, opted_out))

        # Nothing goes out before it is due, even with the tick running.
        time.sleep(2.5)
        assert checkin_dms(slack, REPORTER_JA) == []


# --- the DM and each answer -----------------------------------------------------------------


def test_checkin_dm_is_short_warm_in_the_reporters_language_and_ok_is_recorded(
    quick: AppHarness,
) -> None:
    app = quick
    case = report(app, REPORTER_JA, narrative="「土下座しろ」と怒鳴られた")
    dm = wait_checkin_dms(app.slack, REPORTER_JA, 1)[0]
    text = text_of(dm)
    assert case.reference in text
    assert "土下座" not in text  # refers to the case, never retells it
    assert "その後いかがですか" in text
    for label in (
        "大丈夫です",
        "つらいので相談したい",
        "あとで聞いてほしい",
        "フォローアップを停止",
    ):
        assert label in text
    english = report(app, REPORTER_EN)
    assert "How are you doing" in text_of(wait_checkin_dms(app.slack, REPORTER_EN, 1)[0])
    assert english.reference in text_of(checkin_dms(app.slack, REPORTER_EN)[0])

    first = checkins(app, case.id)[0]
    app.slack.wait_for(lambda: checkins(app, case.id)[0].message_ts == dm["ts"])
    assert first.status == "sent"

    click_dm(app, REPORTER_JA, REPORTER_JA, "checkin_ok")
    event = wait_event(app, case.id, "checkin:ok")
    assert event.actor_user_id == REPORTER_JA
    stored = checkins(app, case.id)[0]
    assert (stored.status, stored.response) == ("answered", "ok")
    # The DM is updated in place: the answer shows, the buttons are gone.
    app.slack.wait_for(
        lambda: (
            "お知らせいただき" in text_of(app.slack.find_message("D" + REPORTER_JA, dm["ts"]) or {})
        )
    )
    updated = app.slack.find_message("D" + REPORTER_JA, dm["ts"]) or {}
    assert "checkin_ok" not in text_of(updated)
    assert len(checkin_dms(app.slack, REPORTER_JA)) == 0  # no new DM, the old one changed
    # And the desk's case message shows the answer and the next check-in.
    app.slack.wait_for(lambda: "最新の回答: 大丈夫" in text_of(desk_message(app, case)))
    assert "次回" in text_of(desk_message(app, case))

    # A second click (double click, other device) records nothing more.
    before = len(events(app, case.id))
    payload = app.sender.block_actions(
        "checkin_ok", user_id=REPORTER_JA, value=str(stored.id), channel_id="D" + REPORTER_JA
    )
    app.sender.interaction(payload)
    app.slack.wait_for(lambda: any("回答済み" in r for r in ephemeral_replies(app.slack)))
    assert len(events(app, case.id)) == before


def talk_post(app: AppHarness, case: Case) -> str | None:
    """The newest thread post that mentions the desk (the case thread also holds guidance)."""
    posts = [text_of(message) for message in thread(app, case)]
    return next((post for post in reversed(posts) if "<!here>" in post), None)


def test_id_like_to_talk_reaches_the_desk_thread_at_once(quick: AppHarness) -> None:
    app = quick
    case = report(app, REPORTER_EN)
    wait_checkin_dms(app.slack, REPORTER_EN, 1)
    click_dm(app, REPORTER_EN, REPORTER_EN, "checkin_talk")
    post = app.slack.wait_for(lambda: talk_post(app, case), timeout=10)
    assert "<!here>" in post
    assert f"<@{REPORTER_EN}>" in post  # named report: the desk may see who
    assert case.reference in post and "本日中に" in post
    event = wait_event(app, case.id, "checkin:talk")
    assert event.actor_user_id == REPORTER_EN
    dm = app.slack.dms(REPORTER_EN)[-1]
    app.slack.wait_for(
        lambda: (
            "will contact you today"
            in text_of(app.slack.find_message("D" + REPORTER_EN, dm["ts"]) or {})
        )
    )


def test_talk_on_a_named_case_names_nobody_in_the_channel_when_sealed(
    slack: SlackStandIn, database_url: str
) -> None:
    env = {"CHECKIN_OFFSETS": "1s,7d", "CASE_CONTENT_IN_SLACK": "sealed"}
    with AppHarness(slack, database_url, env_overrides=env) as app:
        case = report(app, REPORTER_EN)  # named: the desk reads who in the case modal
        wait_checkin_dms(app.slack, REPORTER_EN, 1)
        click_dm(app, REPORTER_EN, REPORTER_EN, "checkin_talk")
        post = app.slack.wait_for(lambda: talk_post(app, case), timeout=10)
        posts = json.dumps(thread(app, case)) + json.dumps(app.slack.messages(DESK_CHANNEL))
        assert REPORTER_EN not in posts and "alex" not in posts
        assert "<!here>" in post and case.reference in post


def test_talk_on_an_anonymous_case_does_not_name_the_reporter_in_the_channel(
    quick: AppHarness,
) -> None:
    app = quick
    case = report(app, REPORTER_EN, identity="anonymous")
    dm = wait_checkin_dms(app.slack, REPORTER_EN, 1)[0]
    click_dm(app, REPORTER_EN, REPORTER_EN, "checkin_talk")
    post = app.slack.wait_for(lambda: talk_post(app, case), timeout=10)
    posts = json.dumps(thread(app, case)) + json.dumps(app.slack.messages(DESK_CHANNEL))
    assert REPORTER_EN not in posts and "alex" not in posts
    assert "<!here>" in post
    app.slack.wait_for(
        lambda: (
            "stays out of the desk channel"
            in text_of(app.slack.find_message("D" + REPORTER_EN, dm["ts"]) or {})
        )
    )


def test_remind_me_later_and_stop(frozen: tuple[AppHarness, FrozenClock]) -> None:
    app, clock = frozen
    case = report(app, REPORTER_JA, clock.now())
    clock.advance(timedelta(minutes=2))
    dm = wait_checkin_dms(app.slack, REPORTER_JA, 1)[0]
    app.slack.wait_for(lambda: checkins(app, case.id)[0].message_ts)

    first_id = checkins(app, case.id)[0].id
    click_dm(app, REPORTER_JA, REPORTER_JA, "checkin_later", value=f"{first_id}:1h")
    event = wait_event(app, case.id, "checkin:later_1h")
    assert event.actor_user_id == REPORTER_JA
    rows = checkins(app, case.id)
    snoozed = next(c for c in rows if c.status == "scheduled" and c.sequence == 1)
    assert snoozed.due_at == clock.now() + timedelta(hours=1)
    app.slack.wait_for(
        lambda: (
            "あらためてお聞きします"
            in text_of(app.slack.find_message("D" + REPORTER_JA, dm["ts"]) or {})
        )
    )

    clock.advance(timedelta(minutes=59))
    time.sleep(2.5)
    assert len(checkin_dms(app.slack, REPORTER_JA)) == 0  # the first one was answered (updated)
    assert len(app.slack.dms(REPORTER_JA)) == 2  # confirmation + the first check-in
    clock.advance(timedelta(minutes=2))
    app.slack.wait_for(lambda: len(checkin_dms(app.slack, REPORTER_JA)) == 1, timeout=15)

    # "Tomorrow" moves it a day on; then Stop cancels everything still scheduled.
    again = checkin_dms(app.slack, REPORTER_JA)[0]
    snoozed_id = int(button_value(again, "checkin_ok"))
    app.slack.wait_for(
        lambda: (
            checkins(app, case.id)
            and all(c.message_ts for c in checkins(app, case.id) if c.id == snoozed_id)
        )
    )
    click_dm(app, REPORTER_JA, REPORTER_JA, "checkin_later", value=f"{snoozed_id}:tomorrow")
    wait_event(app, case.id, "checkin:later_tomorrow")
    tomorrow = next(
        c for c in checkins(app, case.id) if c.status == "scheduled" and c.sequence == 1
    )
    assert tomorrow.due_at == clock.now() + timedelta(days=1)
    clock.advance(timedelta(days=1, minutes=1))
    app.slack.wait_for(
        lambda: (
            len(checkin_dms(app.slack, REPORTER_JA)) == 1
            and checkin_dms(app.slack, REPORTER_JA)[0]["ts"] != again["ts"]
        ),
        timeout=15,
    )
    last = checkin_dms(app.slack, REPORTER_JA)[0]
    last_id = int(button_value(last, "checkin_ok"))
    app.slack.wait_for(
        lambda: any(c.id == last_id and c.message_ts for c in checkins(app, case.id))
    )
    click_dm(app, REPORTER_JA, REPORTER_JA, "checkin_stop")
    stop = wait_event(app, case.id, "checkin:stop")
    assert stop.after and stop.after["cancelled"] == 1  # the 7-day one
    assert [c.status for c in checkins(app, case.id) if c.sequence == 2] == ["cancelled"]
    app.slack.wait_for(
        lambda: (
            "停止しました" in text_of(app.slack.find_message("D" + REPORTER_JA, last["ts"]) or {})
        )
    )
    app.slack.wait_for(lambda: "相談者が停止" in text_of(desk_message(app, case)))
    clock.advance(timedelta(days=8))
    time.sleep(2.5)
    assert checkin_dms(app.slack, REPORTER_JA) == []
    assert len(app.slack.dms(REPORTER_JA)) == 4  # confirmation + three check-ins, no more


def test_only_the_reporter_may_answer(quick: AppHarness) -> None:
    app = quick
    case = report(app, REPORTER_JA)
    wait_checkin_dms(app.slack, REPORTER_JA, 1)
    click_dm(app, REPORTER_JA, OUTSIDER, "checkin_stop")
    app.slack.wait_for(lambda: any("someone else" in r for r in ephemeral_replies(app.slack)))
    denied = wait_event(app, case.id, "denied:checkin_answer")
    assert denied.actor_user_id == OUTSIDER
    assert [c.status for c in checkins(app, case.id)] == ["sent", "scheduled"]
    assert not any(e.action.startswith("checkin:") for e in events(app, case.id))


# --- in danger: an unanswered check-in is flagged once -----------------------------------


def test_unanswered_checkin_of_an_in_danger_reporter_is_flagged_to_the_desk_once(
    slack: SlackStandIn, database_url: str
) -> None:
    env = {"CHECKIN_OFFSETS": "1s", "CHECKIN_UNANSWERED_ALERT": "2s"}
    with AppHarness(slack, database_url, env_overrides=env) as app:
        danger = report(app, REPORTER_EN, in_danger="yes")
        calm = report(app, REPORTER_JA)
        wait_checkin_dms(slack, REPORTER_EN, 1)
        wait_checkin_dms(slack, REPORTER_JA, 1)

        def alerts(case: Case) -> list[dict[str, Any]]:
            return [m for m in thread(app, case) if "回答がありません" in text_of(m)]

        slack.wait_for(lambda: alerts(danger), timeout=15)
        time.sleep(3)
        assert len(alerts(danger)) == 1
        assert "<!here>" in text_of(alerts(danger)[0])
        assert alerts(calm) == []
        event = wait_event(app, danger.id, "checkin:unanswered_alert")
        assert event.actor_user_id == "system"
        # The reporter can still answer after the desk was alerted.
        click_dm(app, REPORTER_EN, REPORTER_EN, "checkin_ok")
        wait_event(app, danger.id, "checkin:ok")


# --- the desk's buttons -------------------------------------------------------------------


def test_desk_can_add_an_extra_checkin_or_cancel_the_rest(
    frozen: tuple[AppHarness, FrozenClock],
) -> None:
    app, clock = frozen
    case = report(app, REPORTER_JA, clock.now())
    message = desk_message(app, case)
    assert "フォローアップを追加" in text_of(message)
    assert "残りのフォローアップを中止" in text_of(message)

    # Someone outside the desk is refused politely, and the attempt is audited.
    click_desk(app, OUTSIDER, "checkin_desk_extra", case)
    app.slack.wait_for(lambda: any("Only members" in r for r in ephemeral_replies(app.slack)))
    assert wait_event(app, case.id, "denied:checkin_desk_extra").actor_user_id == OUTSIDER
    assert len(checkins(app, case.id)) == 2

    staff = DESK_STAFF[0]
    click_desk(app, staff, "checkin_desk_extra", case)
    extra = wait_event(app, case.id, "checkin:extra_scheduled")
    assert extra.actor_user_id == staff
    rows = checkins(app, case.id)
    assert len(rows) == 3 and rows[0].due_at == clock.now()  # any hour allowed: right away
    app.slack.wait_for(lambda: any("追加フォローアップ" in r for r in ephemeral_replies(app.slack)))
    wait_checkin_dms(app.slack, REPORTER_JA, 1)
    app.slack.wait_for(lambda: "送信済み 1 件" in text_of(desk_message(app, case)))

    click_desk(app, DESK_STAFF[1], "checkin_desk_cancel", case)
    cancelled = wait_event(app, case.id, "checkin:cancelled")
    assert cancelled.after == {"cancelled": 2}
    assert sorted(c.status for c in checkins(app, case.id)) == ["cancelled", "cancelled", "sent"]
    app.slack.wait_for(lambda: "checkin_desk_cancel" not in text_of(desk_message(app, case)))
    clock.advance(timedelta(days=8))
    time.sleep(2.5)
    assert len(checkin_dms(app.slack, REPORTER_JA)) == 1
