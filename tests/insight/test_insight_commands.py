"""`/harassment export`, `/harassment stats` and the monthly post, through signed requests and the
stand-in: what the requester is told, the file they get, what the desk channel shows."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from PIL import Image
from sqlalchemy import select

from bot.clock import FrozenClock
from bot.deskhours.hours import parse_timezone
from bot.export import Labels
from bot.export.csvfile import COLUMNS
from bot.guidance import load_guidance
from bot.standin import SlackStandIn
from bot.stats.chart import FEW, FEW_HEIGHT, SEVERAL, Bar, Segment
from bot.stats.figures import Month
from bot.stats.service import chart_png
from storage.models import CaseEvent, CaseStatus
from storage.repositories import customers as customers_repo
from tests.harness import DESK_CHANNEL, DESK_STAFF, OUTSIDER, AppHarness
from tests.insight.support import add_case

TOKYO = parse_timezone("Asia/Tokyo")
DESK = DESK_STAFF[0]
CHANNEL = "C0GENERAL1"


def command(app: AppHarness, text: str, user_id: str) -> str:
    response = app.sender.command("/harassment", text, user_id=user_id, channel_id=CHANNEL)
    assert response.status == 200, response.text
    answer = response.json()
    assert answer["response_type"] == "ephemeral"
    return str(answer["text"])


def seed(app: AppHarness) -> None:
    now = datetime(2026, 11, 10, 10, 0, tzinfo=TOKYO).astimezone(UTC)
    with app.deps.sessions.begin() as session:
        add_case(
            session,
            now,
            location="渋谷店",
            identity="named",
            reporter_user_id="UNAMED0001",
            status=CaseStatus.RESOLVED,
            acknowledged_at=now + timedelta(minutes=20),
            resolved_at=now + timedelta(days=2),
            resolution="banned",
        )
        for hour in range(3):
            add_case(
                session,
                now + timedelta(days=1, hours=hour),
                location="コールセンター",
                reporter_user_id="UANON00001",
                categories=["mental", "intimidation"],
            )


def desk_files(slack: SlackStandIn, channel: str) -> list[dict[str, Any]]:
    return [f for m in slack.messages(channel) for f in m.get("files", [])]


# The app's clock in December 2026, so that "2026-11" is last month on any real date: the
# commands refuse a month that has not begun, and the seeded cases are in November 2026.
DECEMBER = datetime(2026, 12, 7, 10, 0, tzinfo=TOKYO).astimezone(UTC)


@pytest.fixture
def app(slack: SlackStandIn, database_url: str) -> Iterator[AppHarness]:
    with AppHarness(slack, database_url, clock=FrozenClock(DECEMBER)) as harness:
        yield harness


def test_export_arrives_in_the_requesters_dm_as_csv_with_bom(app: AppHarness) -> None:
    seed(app)
    answer = command(app, "export 2026-11", DESK)
    assert "2026-11" in answer
    dm = app.slack.dm_channel(DESK).id
    files = app.slack.wait_for(lambda: desk_files(app.slack, dm) or None, timeout=15)
    data = app.slack.file_bytes(files[0]["id"])
    assert data is not None and data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert list(rows[0]) == list(COLUMNS)
    assert len(rows) == 4
    assert {r["location"] for r in rows} == {"渋谷店", "コールセンター"}
    assert rows[0]["reporter"] == "UNAMED0001"
    assert all(r["reporter"] == "" for r in rows[1:])  # anonymous reporters: never the id
    assert "UANON00001" not in data.decode("utf-8-sig")
    assert "土下座" not in data.decode("utf-8-sig")  # no narrative without --with-text
    assert files[0]["name"] == "harassment-desk-2026-11.csv"
    # Nothing in the desk channel or elsewhere: only the DM got the file.
    assert desk_files(app.slack, DESK_CHANNEL) == []
    with app.deps.sessions() as session:
        audited = session.scalars(select(CaseEvent).where(CaseEvent.action == "export")).all()
    assert [(e.actor_user_id, e.after) for e in audited] == [
        (DESK, {"range": "2026-11", "with_text": False})
    ]


def test_an_empty_range_gives_the_header_and_a_note(app: AppHarness) -> None:
    command(app, "export 2026-01", DESK)
    dm = app.slack.dm_channel(DESK).id
    files = app.slack.wait_for(lambda: desk_files(app.slack, dm) or None, timeout=15)
    data = app.slack.file_bytes(files[0]["id"])
    assert data is not None
    lines = data.decode("utf-8-sig").splitlines()
    assert lines[0].split(",") == list(COLUMNS)
    assert lines[1] == "2026-01 の相談はありません。"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("export 2026-13", "/harassment export 2026-11"),
        ("export 2026-11..2026-09", "逆"),
        ("export 2099-01", "未来"),
        ("export 2026-11 --with-text", "窓口責任者のみ"),
        ("stats 2026-13", "/harassment stats 2026-11"),
        ("stats 2099-01", "まだ来ていません"),
    ],
)
def test_bad_ranges_get_one_private_line(app: AppHarness, text: str, expected: str) -> None:
    answer = command(app, text, DESK)
    assert expected in answer and "\n" not in answer
    assert app.slack.calls_to("files.completeUploadExternal") == []


@pytest.mark.parametrize("text", ["export 2026-11", "stats 2026-11", "customer 山田"])
def test_non_desk_users_are_refused_politely_and_audited(app: AppHarness, text: str) -> None:
    answer = command(app, text, OUTSIDER)
    assert "申し訳ありません" in answer or "Sorry" in answer
    with app.deps.sessions() as session:
        actions = list(session.scalars(select(CaseEvent.action)))
        register = [r.action for r in customers_repo.audit_rows(session)]
    assert f"denied:{text.split()[0]}" in actions + register
    assert app.slack.calls_to("files.completeUploadExternal") == []
    assert app.slack.messages(DESK_CHANNEL) == []


def test_stats_posts_the_report_and_a_chart_in_the_desk_channel(december: AppHarness) -> None:
    app = december
    seed(app)
    answer = command(app, "stats 2026-11", DESK)
    assert "2026-11" in answer
    files = app.slack.wait_for(lambda: desk_files(app.slack, DESK_CHANNEL) or None, timeout=20)
    png = app.slack.file_bytes(files[0]["id"])
    assert png is not None and len(png) > 10_000
    with Image.open(io.BytesIO(png)) as image:
        image.load()
        assert image.format == "PNG" and image.size == (900, 480)
    posts = app.slack.wait_for(
        lambda: (
            [m for m in app.slack.messages(DESK_CHANNEL) if "月次報告" in m.get("text", "")] or None
        )
    )
    text = str(posts[0]["blocks"])
    assert "コールセンター: 3" in text  # 3 cases: shown exactly
    assert "渋谷店: <3" in text  # 1 case: not shown exactly
    assert "土下座" not in text


@pytest.fixture
def december(app: AppHarness) -> AppHarness:
    return app


def test_the_uploaded_chart_counts_cases_and_hides_counts_under_3(december: AppHarness) -> None:
    app = december
    seed(app)  # November: 1 case in one category, 3 cases in two categories each
    command(app, "stats 2026-11", DESK)
    files = app.slack.wait_for(lambda: desk_files(app.slack, DESK_CHANNEL) or None, timeout=20)
    png = app.slack.file_bytes(files[0]["id"])
    months = Month(2026, 11).last(12)
    november = (Segment(SEVERAL, 3), Segment(FEW, FEW_HEIGHT))  # a bar of 3 and a "<3", not 7
    expected = [Bar(month, november if month == Month(2026, 11) else ()) for month in months]
    assert png == chart_png(expected, Labels("ja", load_guidance().category_label))


@pytest.fixture
def first_desk_day(slack: SlackStandIn, database_url: str) -> Iterator[AppHarness]:
    # Tuesday 1 Dec 2026, 9:05 in Tokyo: the first desk day of the month, just after opening.
    clock = FrozenClock(datetime(2026, 12, 1, 9, 5, tzinfo=TOKYO).astimezone(UTC))
    env = {
        "MONTHLY_REPORT": "on",
        "DESK_HOURS": "9-18",
        "DESK_WEEKDAYS": "mon-fri",
        "DESK_HOLIDAYS": "jp",
    }
    with AppHarness(slack, database_url, env_overrides=env, clock=clock) as harness:
        yield harness


def test_the_monthly_report_is_posted_once_on_the_first_desk_day(
    first_desk_day: AppHarness,
) -> None:
    app = first_desk_day
    seed(app)
    app.slack.wait_for(lambda: desk_files(app.slack, DESK_CHANNEL) or None, timeout=20)
    # More ticks, and a second replica's ticks, find the month claimed: nothing is posted again.
    job = next(job for job in app.deps.tick_jobs if job.name == "monthly-report")
    job.run()
    with AppHarness(
        app.slack, app.database_url, env_overrides=app.env_overrides, clock=app.clock,
        start_ticker=False,
    ) as replica:  # fmt: skip
        other = next(job for job in replica.deps.tick_jobs if job.name == "monthly-report")
        other.run()
        replica.deps.outbox.deliver_due()
    app.deps.outbox.deliver_due()
    reports = [
        m for m in app.slack.messages(DESK_CHANNEL) if "月次報告 2026-11" in m.get("text", "")
    ]
    assert len(reports) == 1
    assert len(desk_files(app.slack, DESK_CHANNEL)) == 1


def test_a_desk_lead_may_export_the_narratives(slack: SlackStandIn, database_url: str) -> None:
    leads = {"DESK_LEADS": DESK}
    with AppHarness(slack, database_url, env_overrides=leads, clock=FrozenClock(DECEMBER)) as app:
        seed(app)
        assert "2026-11" in command(app, "export 2026-11 --with-text", DESK)
        dm = app.slack.dm_channel(DESK).id
        files = app.slack.wait_for(lambda: desk_files(app.slack, dm) or None, timeout=15)
        data = app.slack.file_bytes(files[0]["id"])
        assert data is not None
        rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
        assert rows[0]["narrative"] == "「土下座しろ」と怒鳴られた"
        assert files[0]["name"] == "harassment-desk-2026-11-with-text.csv"
        # Another desk member who is not a lead is refused, and the refusal is audited.
        assert "窓口責任者のみ" in command(app, "export 2026-11 --with-text", DESK_STAFF[1])
        with app.deps.sessions() as session:
            refused = session.scalars(
                select(CaseEvent.actor_user_id).where(CaseEvent.action == "denied:export_text")
            ).all()
        assert refused == [DESK_STAFF[1]]
