"""Two replicas on one database send every due check-in exactly once."""

from __future__ import annotations

import json
import socket
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from bot.standin import SlackStandIn
from storage.db import make_engine
from storage.models import Case, CheckIn
from tests.harness import (
    DESK_CHANNEL,
    REPORTER_EN,
    REPORTER_JA,
    AppHarness,
    AppProcess,
    base_env,
    keyed_sessions,
)

COUNT = 200
REPORTERS = (REPORTER_JA, REPORTER_EN)


def add_due_checkins(database_url: str, count: int) -> None:
    """Two cases, and `count` check-ins between them that are all due now."""
    now = datetime.now(UTC)
    engine = make_engine(database_url)
    with keyed_sessions(engine).begin() as session:  # the case text is sealed with its key
        cases = []
        for number, reporter in enumerate(REPORTERS, start=1):
            case = Case(
                reference=f"CH-2026-{9000 + number}",
                submission_key=f"replica-test-{number}",
                reporter_user_id=reporter,
                reporter_locale="ja" if reporter == REPORTER_JA else "en",
                identity="named",
                categories=["mental"],
                occurred_at=now - timedelta(days=1),
                contact_channel="phone",
                customer_type="customer",
                narrative="-",
                desk_channel_id=DESK_CHANNEL,
                created_at=now,
                updated_at=now,
            )
            session.add(case)
            cases.append(case)
        session.flush()
        for index in range(count):
            case = cases[index % len(cases)]
            session.add(
                CheckIn(
                    case_id=case.id,
                    user_id=case.reporter_user_id,
                    sequence=index + 1,
                    due_at=now - timedelta(seconds=1),
                    status="scheduled",
                    created_at=now,
                )
            )
    engine.dispose()


def checkin_ids_seen(slack: SlackStandIn) -> list[int]:
    seen: list[int] = []
    for reporter in REPORTERS:
        for message in slack.dms(reporter):
            for block in message.get("blocks", []):
                for element in block.get("elements", []) if block["type"] == "actions" else []:
                    if element.get("action_id") == "checkin_ok":
                        seen.append(int(element["value"]))
    return seen


def assert_each_sent_once(slack: SlackStandIn, database_url: str) -> None:
    slack.wait_for(lambda: len(checkin_ids_seen(slack)) >= COUNT, timeout=90)
    time.sleep(3)  # time for a duplicate to show up, if there were one
    seen = checkin_ids_seen(slack)
    assert len(seen) == COUNT
    assert len(set(seen)) == COUNT
    posts = [c for c in slack.calls_to("chat.postMessage") if c.args.get("channel", "")[:1] == "D"]
    assert len(posts) == COUNT
    engine = create_engine(database_url)
    with Session(engine) as session:
        statuses = list(session.scalars(select(CheckIn.status)))
        with_ts = list(session.scalars(select(CheckIn.message_ts)))
    engine.dispose()
    assert statuses == ["sent"] * COUNT
    assert all(with_ts)


def test_two_replicas_in_one_process_send_each_checkin_once(
    slack: SlackStandIn, database_url: str
) -> None:
    with (
        AppHarness(slack, database_url) as first,
        AppHarness(slack, database_url, start_ticker=False) as second,
    ):
        add_due_checkins(database_url, COUNT)
        second.runtime.start_background()  # both tick at the same moment as far as possible
        assert first.runtime.ticker.job_names == second.runtime.ticker.job_names
        assert_each_sent_once(slack, database_url)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_two_app_processes_on_postgresql_send_each_checkin_once(
    slack: SlackStandIn, postgres_url: str
) -> None:
    env = base_env(slack, postgres_url, CHECKIN_OFFSETS="30d", LOG_LEVEL="WARNING")
    processes = [AppProcess(env, free_port()), AppProcess(env, free_port())]
    try:
        for process in processes:  # one after the other: the first one migrates the schema
            process.start()
        add_due_checkins(postgres_url, COUNT)
        assert_each_sent_once(slack, postgres_url)
        assert all(p.process and p.process.poll() is None for p in processes)
    finally:
        for process in processes:
            process.stop()
    assert json.dumps(slack.messages(DESK_CHANNEL)) == "[]"
