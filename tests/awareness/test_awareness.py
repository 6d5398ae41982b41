"""Awareness posts (周知・啓発): weekly, once per slot, bilingual, Got it counted; welcome DM."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.awareness import ids
from bot.awareness.content import load_awareness
from bot.awareness.schedule import WeeklySlot, parse_schedule
from bot.awareness.service import AwarenessPolicy, welcome_new_member
from bot.clock import FrozenClock
from bot.config import SettingsError, load_settings
from bot.guidance import load_guidance
from bot.standin import SlackStandIn
from storage.models import AwarenessPost, AwarenessRead, OutboxMessage
from tests.harness import DESK_STAFF, OUTSIDER, REPORTER_EN, REPORTER_JA, AppHarness
from tests.home.test_home import open_home, wait_home

AWARENESS_CHANNEL = "C0AWARE001"
# Monday 30 Nov 2026, 10:00 in Tokyo is 01:00 UTC.
SLOT = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)
ENV = {"AWARENESS_CHANNEL_ID": AWARENESS_CHANNEL, "AWARENESS_SCHEDULE": "mon 10:00"}


def harness(
    slack: SlackStandIn, url: str, clock: FrozenClock, *, ticker: bool = True, **env: str
) -> AppHarness:
    if AWARENESS_CHANNEL not in slack.channels:
        slack.add_channel(AWARENESS_CHANNEL, "info", is_private=False, members=[REPORTER_JA])
    return AppHarness(slack, url, env_overrides={**ENV, **env}, clock=clock, start_ticker=ticker)


def posts(app: AppHarness) -> list[AwarenessPost]:
    with app.deps.sessions() as session:
        return list(session.scalars(select(AwarenessPost).order_by(AwarenessPost.slot_at)))


def channel_posts(slack: SlackStandIn) -> list[dict[str, Any]]:
    return slack.messages(AWARENESS_CHANNEL)


def tick(app: AppHarness) -> Any:
    return next(job for job in app.deps.tick_jobs if job.name == "awareness").run()


def test_the_weekly_post_goes_out_once_per_slot_across_restarts(
    slack: SlackStandIn, database_url: str
) -> None:
    clock = FrozenClock(SLOT + timedelta(minutes=1))
    with harness(slack, database_url, clock) as first:
        slack.wait_for(lambda: len(channel_posts(slack)) == 1)
        slack.wait_for(lambda: posts(first)[0].message_ts)
        assert tick(first) is None  # the slot is taken
    # A restart in the same week posts nothing more.
    with harness(slack, database_url, clock, ticker=False) as second:
        assert tick(second) is None
        assert len(posts(second)) == 1
        # Next Monday: the next item in rotation.
        clock.advance(timedelta(days=7))
        assert tick(second) is not None
        second.deps.outbox.deliver_due()
        assert [p.item_key for p in posts(second)] == ["forms", "what_to_do"]
    texts = [m["text"] for m in channel_posts(slack)]
    assert texts == [
        "カスハラにはどんな形がある? / What does customer harassment look like?",
        "その場でどうする? / What to do on the spot",
    ]


def test_two_replicas_at_the_same_slot_post_once(slack: SlackStandIn, database_url: str) -> None:
    clock = FrozenClock(SLOT + timedelta(minutes=3))
    with (
        harness(slack, database_url, clock, ticker=False) as one,
        harness(slack, database_url, clock, ticker=False) as two,
    ):
        results: list[Any] = []
        start = threading.Barrier(2)

        def run(app: AppHarness) -> None:
            start.wait()
            results.append(tick(app))

        threads = [threading.Thread(target=run, args=(app,)) for app in (one, two)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert sorted(r is None for r in results) == [False, True]
        one.deps.outbox.deliver_due()
        two.deps.outbox.deliver_due()
        with one.deps.sessions() as session:
            kinds = session.scalars(select(OutboxMessage.kind)).all()
        assert list(kinds).count(ids.POST) == 1
    assert len(channel_posts(slack)) == 1


def test_a_slot_long_past_is_skipped_not_posted_late(
    slack: SlackStandIn, database_url: str
) -> None:
    clock = FrozenClock(SLOT + timedelta(days=3))  # Thursday: Monday's post would be stale
    with harness(slack, database_url, clock, ticker=False) as app:
        assert tick(app) is None
        assert posts(app) == []


def test_the_post_is_bilingual_and_got_it_is_counted_once_per_person(
    slack: SlackStandIn, database_url: str
) -> None:
    clock = FrozenClock(SLOT + timedelta(minutes=1))
    with harness(slack, database_url, clock) as app:
        message = slack.wait_for(lambda: next(iter(channel_posts(slack)), None))
        text = json.dumps(message["blocks"], ensure_ascii=False)
        assert "身体的な攻撃" in text and "Physical abuse" in text  # {categories}, both languages
        assert "確認しました / Got it" in text
        slack.wait_for(lambda: posts(app)[0].message_ts)
        for user in (REPORTER_JA, REPORTER_EN, REPORTER_JA):
            payload = app.sender.block_actions(
                ids.GOT_IT_ACTION,
                user_id=user,
                channel_id=AWARENESS_CHANNEL,
                message_ts=message["ts"],
            )
            assert app.sender.interaction(payload).status == 200
        slack.wait_for(lambda: len(slack.calls_to("response_url")) == 3)
        replies = slack.calls_to("response_url")
        said = [call.args.get("text", "") for call in replies]
        assert said.count("確認ありがとうございます。/ Thank you for reading.") == 2
        assert any(s.startswith("確認済みです") for s in said)
        with app.deps.sessions() as session:
            assert session.scalar(select(func.count()).select_from(AwarenessRead)) == 2

        # The desk sees how many clicked, on its App Home; nobody else sees the section.
        open_home(app, DESK_STAFF[0])
        home = wait_home(app, DESK_STAFF[0], "周知・啓発の投稿")
        assert "「確認しました」*2*人" in home
        assert REPORTER_JA not in home and REPORTER_EN not in home
        open_home(app, OUTSIDER)
        assert "Awareness posts" not in wait_home(app, OUTSIDER, "Customer harassment")


def test_a_new_member_gets_the_welcome_dm(slack: SlackStandIn, database_url: str) -> None:
    slack.add_user("U0NEWBIE01", "newbie", tz="Asia/Tokyo", locale="ja-JP")
    clock = FrozenClock(SLOT + timedelta(days=2))
    with harness(slack, database_url, clock, AWARENESS_WELCOME="on") as app:
        user = {"id": "U0NEWBIE01", "name": "newbie", "is_bot": False, "deleted": False}
        assert app.sender.event({"type": "team_join", "user": user}).status == 200
        dm = slack.wait_for(lambda: next(iter(slack.dms("U0NEWBIE01")), None))
    text = json.dumps(dm["blocks"], ensure_ascii=False)
    assert "相談窓口のご案内" in text and "consultation desk" in text
    assert "/harassment" in text and "110" in text


def test_no_welcome_when_off_and_never_to_bots() -> None:
    class Nothing:
        def begin(self) -> Any:
            raise AssertionError("nothing should be stored")

    off = AwarenessPolicy(channel_id=None, schedule=None, welcome=False)
    on = AwarenessPolicy(channel_id=None, schedule=None, welcome=True)
    clock = FrozenClock(SLOT)
    assert not welcome_new_member(Nothing(), clock, off, {"id": "U0NEWBIE01"})  # type: ignore[arg-type]
    assert not welcome_new_member(Nothing(), clock, on, {"id": "U0BOT", "is_bot": True})  # type: ignore[arg-type]


def test_schedule_setting() -> None:
    assert parse_schedule("off") is None
    assert parse_schedule("mon 10:00") == WeeklySlot(0, 10, 0, "Asia/Tokyo")
    assert parse_schedule("Fri 17:30 UTC") == WeeklySlot(4, 17, 30, "UTC")
    monday = WeeklySlot(0, 10, 0)
    assert monday.latest(SLOT + timedelta(hours=1)) == SLOT
    assert monday.latest(SLOT - timedelta(seconds=1)) == SLOT - timedelta(days=7)
    base = {
        "SLACK_BOT_TOKEN": "xoxb-x",
        "SLACK_SIGNING_SECRET": "8f742231b10e8888abcd99yyyzzz85a5",
        "DESK_CHANNEL_ID": "C0DESK0001",
    }
    assert load_settings(base).awareness_schedule is None  # off by default
    for bad, message in (
        ({"AWARENESS_SCHEDULE": "mon 10:00"}, "AWARENESS_SCHEDULE needs AWARENESS_CHANNEL_ID"),
        ({"AWARENESS_SCHEDULE": "monday"}, "not a weekly time like 'mon 10:00'"),
        ({"AWARENESS_SCHEDULE": "mon 25:00", "AWARENESS_CHANNEL_ID": "C0A"}, "between 00:00"),
        ({"AWARENESS_WELCOME": "maybe"}, "must be 'on' or 'off'"),
        ({"AWARENESS_CHANNEL_ID": "general"}, "not a channel id"),
    ):
        with pytest.raises(SettingsError, match=message):
            load_settings({**base, **bad})


def test_shipped_awareness_content_rotates_the_four_topics() -> None:
    content = load_awareness(None, load_guidance())
    assert [item.key for item in content.items] == [
        "forms",
        "what_to_do",
        "where_to_get_help",
        "our_conduct",
    ]
    assert "{hotline}" in content.item("our_conduct").text.ja  # type: ignore[union-attr]
