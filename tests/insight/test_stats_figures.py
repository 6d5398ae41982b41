"""Monthly figures and the chart, computed without Slack or a database."""

from __future__ import annotations

import io

import pytest
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from PIL import Image

from bot.stats.chart import (
    FEW,
    FEW_HEIGHT,
    OTHER,
    SEVERAL,
    Bar,
    Segment,
    chart_bars,
    draw_chart,
    render_chart,
)
from bot.stats.figures import SMALL, CaseFacts, Month, monthly_figures, percentile, shown


def facts(**changes: object) -> CaseFacts:
    base: dict[str, object] = {
        "categories": ["mental"],
        "location": "渋谷店",
        "channel": "phone",
        "customer_type": "customer",
        "outcome": "",
        "acknowledge_hours": None,
        "resolve_hours": None,
        "sla_breached": False,
    }
    base.update(changes)
    return CaseFacts(**base)  # type: ignore[arg-type]


def test_month_parsing_and_order() -> None:
    assert str(Month.parse("2026-03")) == "2026-03"
    assert Month(2026, 1).previous() == Month(2025, 12)
    assert Month(2026, 12).next() == Month(2027, 1)
    assert [str(m) for m in Month(2026, 2).last(3)] == ["2025-12", "2026-01", "2026-02"]
    for bad in ("2026-13", "2026-00", "26-01", "2026/01", "abc", ""):
        with pytest.raises(ValueError):
            Month.parse(bad)


def test_counts_medians_and_breaches() -> None:
    cases = [
        facts(acknowledge_hours=0.5, resolve_hours=10.0, outcome="warning_issued"),
        facts(categories=["mental", "physical"], acknowledge_hours=1.5, sla_breached=True),
        facts(location="", channel="face_to_face", acknowledge_hours=3.0, checkin_answers=["ok"]),
        facts(categories=[], checkin_answers=["talk", "ok"]),
    ]
    figures = monthly_figures(Month(2026, 11), cases, repeat_customer_ids=[7, 7, 9])
    assert figures.total == 4
    assert figures.by_category == {"mental": 3, "physical": 1, "uncategorised": 1}
    assert figures.by_location == {"渋谷店": 3, "unknown": 1}
    assert figures.by_outcome == {"open": 3, "warning_issued": 1}
    assert figures.acknowledge.median == 1.5
    assert figures.acknowledge.p90 == 3.0
    assert figures.resolve.count == 1
    assert figures.sla_breaches == 1
    assert figures.checkin_answers == {"ok": 2, "talk": 1}
    assert figures.repeat_customers == 2


def test_small_counts_are_hidden() -> None:
    assert [shown(n) for n in (0, 1, 2, 3, 10)] == ["0", SMALL, SMALL, "3", "10"]


def test_percentile_nearest_rank() -> None:
    assert percentile([], 0.9) is None
    assert percentile([5.0], 0.9) == 5.0
    assert percentile([float(n) for n in range(1, 11)], 0.9) == 9.0


def test_a_month_with_no_cases() -> None:
    figures = monthly_figures(Month(2026, 11), [])
    assert figures.total == 0 and figures.acknowledge.median is None


@pytest.mark.parametrize("cases", [{}, {Month(2026, 11): [["mental"]] * 4 + [["sexual"]]}])
def test_the_chart_is_a_png_that_decodes(cases: dict[Month, list[list[str]]]) -> None:
    months = Month(2026, 11).last(12)
    png = render_chart(
        chart_bars(months, cases),
        labels={"mental": "精神的な攻撃", "sexual": "性的な言動"},
        title="月別の相談件数",
        empty_text="この期間の相談はありません",
        y_label="件数",
    )
    assert png.startswith(b"\x89PNG")
    with Image.open(io.BytesIO(png)) as image:
        image.load()
        assert image.size == (900, 480)


def drawn(figure: Figure) -> tuple[dict[float, float], list[Rectangle], list[str]]:
    """What the chart shows: each bar's height at its x, the visible segments, the texts."""
    axes = figure.axes[0]
    segments = [p for p in axes.patches if isinstance(p, Rectangle) and p.get_height() > 0]
    totals: dict[float, float] = {}
    for segment in segments:
        x = round(segment.get_x() + segment.get_width() / 2, 3)
        totals[x] = totals.get(x, 0) + segment.get_height()
    return totals, segments, [text.get_text() for text in axes.texts]


LABELS = {SEVERAL: "複数の種類", OTHER: "その他", FEW: "<3(1〜2件)", "mental": "精神的な攻撃"}


def draw(bars: list[Bar]) -> Figure:
    return draw_chart(bars, labels=LABELS, title="月別相談件数", empty_text="なし", y_label="件数")


def test_the_chart_counts_cases_not_category_tags() -> None:
    # 3 cases, one with two categories: a bar of 3 (it was 4: one per category tag).
    months = [Month(2026, 11)]
    cases = {Month(2026, 11): [["mental"], ["mental"], ["mental", "physical"]]}
    bars = chart_bars(months, cases)
    assert bars == [Bar(Month(2026, 11), (Segment(OTHER, 3),))]
    totals, _, _ = drawn(draw(bars))
    assert list(totals.values()) == [3]
    # Many cases with two categories: each is one case, in one segment.
    several = chart_bars(months, {Month(2026, 11): [["mental", "physical"]] * 5})
    assert several == [Bar(Month(2026, 11), (Segment(SEVERAL, 5),))]


def test_no_drawn_segment_shows_an_exact_count_under_3() -> None:
    months = Month(2026, 11).last(4)
    cases = {
        months[0]: [["mental"]],  # 1 case: the whole bar is "<3"
        months[1]: [["mental"]] * 5 + [["physical"]],  # 5 exact, 1 as "<3"
        months[2]: [["mental"]] * 4 + [["mental", "sexual"]] * 2 + [[]],  # 4, and 2 + 1 summed
        # months[3]: no cases
    }
    bars = chart_bars(months, cases)
    assert [bar.segments for bar in bars] == [
        (Segment(FEW, FEW_HEIGHT),),
        (Segment("mental", 5), Segment(FEW, FEW_HEIGHT)),
        (Segment("mental", 4), Segment(OTHER, 3)),
        (),
    ]
    figure = draw(bars)
    totals, segments, texts = drawn(figure)
    assert sorted(totals.values()) == [FEW_HEIGHT, 5 + FEW_HEIGHT, 7]
    assert [s.get_height() for s in segments if s.get_height() in (1, 2)] == []
    hatched = [s for s in segments if s.get_hatch()]
    assert [s.get_height() for s in hatched] == [FEW_HEIGHT, FEW_HEIGHT]
    assert texts.count(SMALL) == 2  # each hatched segment says "<3"
    legend = figure.axes[0].get_legend()
    assert legend is not None
    assert [t.get_text() for t in legend.get_texts()] == ["精神的な攻撃", "その他", "<3(1〜2件)"]
