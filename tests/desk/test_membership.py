"""A removed desk member loses access everywhere, at once."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from bot.standin import SlackRequestSender, SlackStandIn
from storage.db import make_engine, migrate
from storage.models import Case, CaseEvent, CaseStatus
from tests.desk_support import click_payload, open_modal, report, submit
from tests.harness import (
    DESK_CHANNEL,
    DESK_STAFF,
    REPORTER_EN,
    REPORTER_JA,
    AppHarness,
    AppProcess,
    base_env,
    free_port,
    keyed_sessions,
    report_values,
)
from tests.home.test_home import home_text, open_home, wait_home

LEAVER = DESK_STAFF[0]
DESK_ONLY = "窓口チャンネルのメンバーにのみ表示されています。"  # home.desk.only_you (ja)


def leave_event(user_id: str = LEAVER) -> dict[str, object]:
    return {
        "type": "member_left_channel",
        "user": user_id,
        "channel": DESK_CHANNEL,
        "channel_type": "G",
        "team": SlackStandIn.TEAM_ID,
    }


def denied(sessions: Callable[[], Session], case_id: int, user_id: str = LEAVER) -> bool:
    """A `denied:*` audit row for the user's click on the case (each poll its own session)."""
    query = select(CaseEvent).where(
        CaseEvent.case_id == case_id,
        CaseEvent.actor_user_id == user_id,
        CaseEvent.action.like("denied:%"),
    )
    with sessions() as session:
        return session.scalars(query).first() is not None


def status_of(sessions: Callable[[], Session], case_id: int) -> str:
    with sessions() as session:
        case = session.get(Case, case_id)
        assert case is not None
        return case.status


def wait_home_without_desk(app_slack: SlackStandIn, user_id: str, timeout: float = 10) -> str:
    def check() -> str | None:
        view = app_slack.home_view(user_id)
        text = str(view.get("blocks")) if view else ""
        return text if text and DESK_ONLY not in text else None

    return app_slack.wait_for(check, timeout=timeout)


def test_a_fetch_started_before_a_leave_never_overwrites_it(app: AppHarness) -> None:
    first, second = report(app, REPORTER_EN), report(app, REPORTER_JA)
    open_home(app, LEAVER)
    wait_home(app, LEAVER, DESK_ONLY)

    # Slack answers conversations.members at once (the leaver still in it), but the answer
    # takes 2 s to arrive; the leave happens, and its event is handled, meanwhile.
    app.deps.staff.invalidate()
    app.slack.delay_answers("conversations.members", 2.0)
    click = threading.Thread(
        target=app.sender.interaction,
        args=(click_payload(app, first, "desk_acknowledge", LEAVER),),
    )
    click.start()
    app.slack.wait_for(lambda: "conversations.members" in app.slack.early_answers)
    app.slack.delay_answers("conversations.members", 0)
    app.slack.remove_member(DESK_CHANNEL, LEAVER)
    assert app.sender.event(leave_event()).status == 200
    click.join(timeout=10)

    # The leaver's App Home is published again, without the desk overview.
    wait_home_without_desk(app.slack, LEAVER)
    # The click that was in flight either counted (its check finished first) or was refused;
    # wait for its outcome, then the next click must be refused.
    sessions = app.deps.sessions
    app.slack.wait_for(
        lambda: denied(sessions, first.id) or status_of(sessions, first.id) != CaseStatus.NEW
    )
    assert (
        app.sender.interaction(click_payload(app, second, "desk_acknowledge", LEAVER)).status == 200
    )
    app.slack.wait_for(lambda: denied(sessions, second.id))
    assert status_of(sessions, second.id) == CaseStatus.NEW


@pytest.fixture
def short_ttl(slack: SlackStandIn, database_url: str) -> Iterator[AppHarness]:
    with AppHarness(slack, database_url, env_overrides={"STAFF_CACHE_TTL": "1s"}) as app:
        yield app


def test_without_an_event_a_removal_counts_within_the_cache_ttl(short_ttl: AppHarness) -> None:
    app = short_ttl
    report(app, REPORTER_EN)
    open_home(app, LEAVER)
    wait_home(app, LEAVER, DESK_ONLY)
    app.slack.remove_member(DESK_CHANNEL, LEAVER)  # and Slack's event never arrives
    removed = time.monotonic()

    def desk_gone() -> bool:
        open_home(app, LEAVER)
        time.sleep(0.05)  # pace the probes; the wait is for the published home, not this
        return DESK_ONLY not in home_text(app, LEAVER)

    app.slack.wait_for(desk_gone, timeout=10)
    assert time.monotonic() - removed < 1.0 + 2.0  # the TTL, plus the probes' own latency


def test_the_bot_is_never_staff(app: AppHarness) -> None:
    case = report(app, REPORTER_EN)
    assert SlackStandIn.BOT_USER_ID in app.slack.channels[DESK_CHANNEL].member_ids()
    view = open_modal(app, case, "desk_assign", DESK_STAFF[1])
    answer = submit(app, view, {"desk_assignee": SlackStandIn.BOT_USER_ID}, DESK_STAFF[1])
    assert answer is not None and answer["response_action"] == "errors"
    with app.deps.sessions() as session:
        assert session.get(Case, case.id).assignee_user_id is None


# --- two replicas on one PostgreSQL ------------------------------------------------------------


def test_a_leave_seen_by_one_replica_counts_on_the_other(
    slack: SlackStandIn, postgres_url: str
) -> None:
    migrate(make_engine(postgres_url))
    env = base_env(slack, postgres_url)
    replicas = [AppProcess(env, free_port(), name=f"replica-{n}") for n in "ab"]
    for replica in replicas:
        replica.start()
    a, b = (SlackRequestSender(r.url, "test-signing-secret", standin=slack) for r in replicas)
    engine = create_engine(postgres_url)
    try:
        # A case, and the leaver's access cached on replica b (its App Home shows the desk).
        before = len(slack.calls_to("views.open"))
        assert a.command("/harassment", "", user_id=REPORTER_EN).status == 200
        slack.wait_for(lambda: len(slack.calls_to("views.open")) > before)
        view = slack.calls_to("views.open")[-1].response["view"]
        assert a.interaction(a.view_submission(view, report_values(), REPORTER_EN)).status == 200
        slack.wait_for(lambda: slack.messages(DESK_CHANNEL), timeout=15)
        with keyed_sessions(engine)() as session:
            case = slack.wait_for(
                lambda: session.scalars(
                    select(Case).where(Case.desk_message_ts.is_not(None))
                ).first(),
                timeout=15,
            )
            session.expunge_all()
        assert b.event({"type": "app_home_opened", "user": LEAVER, "tab": "home"}).status == 200
        slack.wait_for(lambda: DESK_ONLY in str((slack.home_view(LEAVER) or {}).get("blocks")))

        # The leave event reaches replica a only.
        slack.remove_member(DESK_CHANNEL, LEAVER)
        left = time.monotonic()
        assert a.event(leave_event()).status == 200
        wait_home_without_desk(slack, LEAVER)
        payload = b.block_actions(
            "desk_acknowledge",
            user_id=LEAVER,
            channel_id=DESK_CHANNEL,
            message_ts=case.desk_message_ts,
        )
        assert b.interaction(payload).status == 200
        sessions = keyed_sessions(engine)
        slack.wait_for(lambda: denied(sessions, case.id), timeout=10)
        refused_after = time.monotonic() - left
        assert status_of(sessions, case.id) == CaseStatus.NEW
        print(f"\nleave on replica a -> refused on replica b: {refused_after:.2f} s")
        assert refused_after < 5
    finally:
        for sender in (a, b):
            sender.close()
        for replica in replicas:
            replica.stop()
        engine.dispose()
