"""Export and monthly figures from stored cases (no Slack): ranges, columns, privacy, counts."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from matplotlib.patches import Rectangle

from bot.customers.service import CustomerService, Done
from bot.deskhours.hours import DeskHours, parse_timezone
from bot.export.labels import Labels
from bot.export.service import RangeError, build_export, parse_export_args, parse_range
from bot.guidance import load_guidance
from bot.retention import LegalHolds
from bot.stats.chart import FEW, FEW_HEIGHT, OTHER, Bar, Segment, draw_chart
from bot.stats.figures import Month
from bot.stats.messages import report_message
from bot.stats.service import MonthError, build_report, chart_bars_until, parse_month
from storage.db import SessionFactory
from storage.models import CaseStatus
from tests.insight.support import add_case, clock_at, database

TOKYO = parse_timezone("Asia/Tokyo")
OFFICE = DeskHours(9, 18, frozenset(range(5)), TOKYO, "jp")
TODAY = date(2026, 12, 1)


def jst(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=TOKYO).astimezone(UTC)


@pytest.fixture
def sessions(database_url: str) -> Iterator[SessionFactory]:
    with database(database_url) as (_engine, factory):
        yield factory


@pytest.fixture(scope="module")
def labels() -> Labels:
    return Labels("ja", load_guidance().category_label)


def test_ranges() -> None:
    assert str(parse_range("", TODAY)) == "2026-12"
    assert str(parse_range("2026-11", TODAY)) == "2026-11"
    assert str(parse_range("2026-09..2026-11", TODAY)) == "2026-09..2026-11"
    assert parse_export_args("2026-11 --with-text", TODAY)[1] is True
    for text, code in (
        ("2026-13", "export.error.form"),
        ("november", "export.error.form"),
        ("2026-11..", "export.error.form"),
        ("2026-11 --everything", "export.error.form"),
        ("2026-11..2026-09", "export.error.reversed"),
        ("2027-01", "export.error.future"),
        ("2026-12..2027-02", "export.error.future"[:0] + "export.error.future"),
    ):
        with pytest.raises(RangeError) as caught:
            parse_export_args(text, TODAY)
        if text != "2026-12..2027-02":
            assert caught.value.code == code, text
    assert parse_month("", TODAY) == Month(2026, 11)
    with pytest.raises(MonthError):
        parse_month("2026-13", TODAY)
    with pytest.raises(MonthError):
        parse_month("2027-01", TODAY)


def seed(sessions: SessionFactory) -> None:
    service = CustomerService(
        sessions=sessions,
        clock=clock_at(jst(30, 12)),
        is_staff=lambda user: True,
        holds=LegalHolds(sessions, lambda: ()),
    )
    with sessions.begin() as session:
        # Friday 17:50 JST, acknowledged Monday 9:20: 30 desk minutes, 63.5 hours on the clock.
        first = add_case(
            session,
            jst(6, 17, 50),
            location="渋谷店",
            identity="named",
            reporter_user_id="UNAMED0001",
            status=CaseStatus.RESOLVED,
            acknowledged_at=jst(9, 9, 20),
            resolved_at=jst(9, 11, 20),
            resolution="banned",
            sla_stage=1,
        ).id
        second = add_case(
            session,
            jst(10, 23, 0),
            location="渋谷店",
            identity="anonymous",
            reporter_user_id="UANON00001",
            in_danger=True,
            acknowledged_at=jst(10, 23, 10),
            status=CaseStatus.ACKNOWLEDGED,
            categories=["physical", "mental"],
        ).id
        add_case(session, jst(3, 10, month=10), location="新宿店")  # October: outside the range
    done = service.create_and_link("UDESK", first, display_name="山田太郎様", identifiers_text="")
    assert isinstance(done, Done)
    assert isinstance(service.link_existing("UDESK", second, done.customer_id), Done)


def test_export_columns_privacy_and_desk_hours(sessions: SessionFactory, labels: Labels) -> None:
    seed(sessions)
    with sessions() as session:
        export = build_export(
            session, parse_range("2026-11", TODAY), hours=OFFICE, labels=labels, with_text=False
        )
    assert export.count == 2 and export.filename == "harassment-desk-2026-11.csv"
    text = export.content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    first, second = rows
    assert first["location"] == "渋谷店" and first["customer"] == "山田太郎様"
    assert first["outcome"] == "出入禁止"
    assert first["hours_to_acknowledge"] == "63.50"
    assert first["desk_hours_to_acknowledge"] == "0.50"
    assert first["sla_breached"] == "yes"
    assert first["reporter"] == "UNAMED0001"
    assert second["reporter"] == ""  # anonymous: never the id
    assert "UANON00001" not in text
    assert second["desk_hours_to_acknowledge"] == "0.17"  # in danger: around the clock
    assert "身体的な攻撃" in second["categories"]
    assert "土下座" not in text and "narrative" not in rows[0]


def test_export_with_text_and_an_empty_range(sessions: SessionFactory, labels: Labels) -> None:
    seed(sessions)
    with sessions() as session:
        full = build_export(
            session, parse_range("2026-11", TODAY), hours=OFFICE, labels=labels, with_text=True
        )
        empty = build_export(
            session, parse_range("2026-01", TODAY), hours=OFFICE, labels=labels, with_text=False
        )
    assert "「土下座しろ」と怒鳴られた" in full.content.decode("utf-8-sig")
    assert full.filename.endswith("-with-text.csv")
    assert empty.count == 0
    lines = empty.content.decode("utf-8-sig").splitlines()
    assert len(lines) == 2 and lines[1] == "2026-01 の相談はありません。"


def test_monthly_report_from_the_database(sessions: SessionFactory, labels: Labels) -> None:
    seed(sessions)
    with sessions() as session:
        report = build_report(session, Month(2026, 11), hours=OFFICE, labels=labels)
    figures = report.figures
    assert figures.total == 2
    assert figures.by_location == {"渋谷店": 2}
    assert figures.sla_breaches == 1
    assert figures.repeat_customers == 1
    assert figures.acknowledge.median == pytest.approx((0.5 + 10 / 60) / 2)
    assert report.chart_png.startswith(b"\x89PNG") and len(report.chart_png) > 10_000
    message = report_message(figures, labels)
    rendered = str(message.blocks)
    assert "<3" in rendered  # 2 cases, 1 breach: small counts are not shown exactly
    assert "渋谷店: <3" in rendered
    assert "土下座" not in rendered and "山田" not in rendered


def test_a_month_without_cases_says_so(sessions: SessionFactory, labels: Labels) -> None:
    with sessions() as session:
        report = build_report(session, Month(2026, 11), hours=OFFICE, labels=labels)
    assert report.figures.total == 0
    assert report.chart_png.startswith(b"\x89PNG")
    message = report_message(report.figures, labels)
    assert message.text == "2026-11 に報告された相談はありません。"


def test_month_bounds_follow_the_desk_time_zone(sessions: SessionFactory, labels: Labels) -> None:
    # 2026-11-30 23:30 JST is 14:30 UTC on the 30th; 2026-12-01 00:30 JST is still 30 Nov UTC.
    with sessions.begin() as session:
        add_case(session, jst(30, 23, 30))
        add_case(session, datetime(2026, 12, 1, 0, 30, tzinfo=TOKYO).astimezone(UTC))
    with sessions() as session:
        november = build_export(
            session, parse_range("2026-11", TODAY), hours=OFFICE, labels=labels, with_text=False
        )
    assert november.count == 1


def test_the_chart_counts_each_case_once_and_no_exact_count_under_3(
    sessions: SessionFactory,
) -> None:
    with sessions.begin() as session:
        for day, categories in ((3, ["mental"]), (4, ["mental"]), (5, ["mental", "physical"])):
            add_case(session, jst(day, 10), categories=categories)
        for day in range(6, 11):
            add_case(session, jst(day, 10, month=10), categories=["physical"])
        add_case(session, jst(12, 10, month=10), categories=["mental"])
    with sessions() as session:
        bars = chart_bars_until(session, Month(2026, 11), hours=OFFICE)
    assert [bar.month for bar in bars] == Month(2026, 11).last(12)
    # November: 3 cases (one with two categories) is a bar of 3, its groups of 2 and 1 summed.
    assert bars[-1] == Bar(Month(2026, 11), (Segment(OTHER, 3),))
    assert bars[-2] == Bar(Month(2026, 10), (Segment("physical", 5), Segment(FEW, FEW_HEIGHT)))
    assert all(bar.segments == () for bar in bars[:-2])
    figure = draw_chart(bars, labels={}, title="月別相談件数", empty_text="", y_label="件数")
    bars_drawn = [p for p in figure.axes[0].patches if isinstance(p, Rectangle)]
    heights = [p.get_height() for p in bars_drawn if p.get_height() > 0]
    assert sorted(heights) == [FEW_HEIGHT, 3, 5]
    assert [t.get_text() for t in figure.axes[0].texts] == ["<3"]
