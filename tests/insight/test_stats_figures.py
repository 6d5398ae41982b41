"""Monthly figures and the chart, computed without Slack or a database."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from bot.stats.chart import render_chart
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


@pytest.mark.parametrize("counts", [{}, {"2026-11": {"mental": 4, "sexual": 1}}])
def test_the_chart_is_a_png_that_decodes(counts: dict[str, dict[str, int]]) -> None:
    months = Month(2026, 11).last(12)
    png = render_chart(
        months,
        counts,
        labels={"mental": "精神的な攻撃", "sexual": "性的な言動"},
        title="月別の相談件数",
        empty_text="この期間の相談はありません",
        y_label="件数",
    )
    assert png.startswith(b"\x89PNG")
    with Image.open(io.BytesIO(png)) as image:
        image.load()
        assert image.size == (900, 480)
