"""The monthly report's PNG: cases per month over the last 12 months, by category (pure).

Each bar counts cases, and each case is in exactly one segment: its category, "several
categories" when it has more than one, or "not categorised". The post promises that counts of 1
and 2 are shown as "<3", so no drawn segment holds an exact count under 3: a month's groups of 1
or 2 cases are summed into one "other" segment, drawn exactly once that sum is 3 or more, else
drawn hatched at a height that is neither 1 nor 2 and labelled "<3".

matplotlib's object API with the Agg canvas (no pyplot state, no display), and the Japanese font
shipped inside the `matplotlib-fontja` wheel (IPAexGothic), so labels render on a bare server with
no system fonts. A month range with no cases still renders (empty axes and a "no cases" line).
"""

from __future__ import annotations

import functools
import io
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.stats.figures import SMALL, Month

if TYPE_CHECKING:
    from matplotlib.figure import Figure

WIDTH_INCHES, HEIGHT_INCHES, DPI = 9.0, 4.8, 100
# Twelve categories plus "uncategorised": colours that stay apart (tab20 without its pale pairs).
_COLOURS = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
    "#7f7f7f", "#bcbd22", "#17becf", "#aec7e8", "#ffbb78", "#98df8a",
)  # fmt: skip


@functools.cache
def _font_path() -> str:
    from matplotlib_fontja import get_font_ttf_path

    return str(get_font_ttf_path())


# Groups of a case besides its one category; the legend names them (`labels`).
SEVERAL = "several"  # two or more categories: still one case
UNCATEGORISED = "uncategorised"
OTHER = "other"  # a month's groups of 1 or 2 cases, summed: drawn exactly when 3 or more
FEW = "few"  # that sum when it is 1 or 2: hatched, labelled "<3"
_LABEL_BOX = {"facecolor": "white", "edgecolor": "none", "pad": 1}  # readable on the hatching
FEW_HEIGHT = 1.5  # neither 1 nor 2, so the bar shows no exact count under 3
_GROUP_STYLE: dict[str, dict[str, Any]] = {
    SEVERAL: {"color": "#393b79"},
    UNCATEGORISED: {"color": "#c7c7c7"},
    OTHER: {"color": "#969696"},
    FEW: {"color": "white", "edgecolor": "#636363", "hatch": "///"},
}


@dataclass(frozen=True)
class Segment:
    group: str  # a category key, or SEVERAL, UNCATEGORISED, OTHER, FEW
    height: float


@dataclass(frozen=True)
class Bar:
    month: Month
    segments: tuple[Segment, ...]  # bottom to top


def case_group(categories: Sequence[str]) -> str:
    if len(categories) > 1:
        return SEVERAL
    return categories[0] if categories else UNCATEGORISED


def chart_bars(
    months: Sequence[Month], cases: Mapping[Month, Sequence[Sequence[str]]]
) -> list[Bar]:
    """One bar a month from each case's categories (`cases[month]`: one entry per case)."""
    counted = {month: Counter(case_group(c) for c in cases.get(month, ())) for month in months}
    categories = sorted(
        {g for counts in counted.values() for g in counts} - {SEVERAL, UNCATEGORISED}
    )
    order = [*categories, SEVERAL, UNCATEGORISED]
    bars = []
    for month in months:
        counts = counted[month]
        segments = [Segment(g, counts[g]) for g in order if counts[g] >= 3]
        few = sum(n for n in counts.values() if n < 3)
        if few >= 3:
            segments.append(Segment(OTHER, few))
        elif few:
            segments.append(Segment(FEW, FEW_HEIGHT))
        bars.append(Bar(month, tuple(segments)))
    return bars


def draw_chart(
    bars: Sequence[Bar], *, labels: Mapping[str, str], title: str, empty_text: str, y_label: str
) -> Figure:
    """The figure of `bars`; `labels[group]` is the legend text (a category's, or SEVERAL's…)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties
    from matplotlib.ticker import MaxNLocator

    font = FontProperties(fname=_font_path())
    figure = Figure(figsize=(WIDTH_INCHES, HEIGHT_INCHES), dpi=DPI)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot(1, 1, 1)
    names = [str(bar.month) for bar in bars]
    positions = list(range(len(names)))
    groups = list(dict.fromkeys(s.group for bar in bars for s in bar.segments))
    categories = [g for g in groups if g not in _GROUP_STYLE]
    colours = {g: _COLOURS[i % len(_COLOURS)] for i, g in enumerate(sorted(categories))}
    bottoms = [0.0] * len(bars)
    for group in [*sorted(categories), *(g for g in _GROUP_STYLE if g in groups)]:
        heights = [sum(s.height for s in bar.segments if s.group == group) for bar in bars]
        style = _GROUP_STYLE.get(group, {"color": colours.get(group, "#000000")})
        # Only where the group has cases: an empty bar would still draw its edge (hatched ones).
        shown = [(x, b, h) for x, b, h in zip(positions, bottoms, heights, strict=True) if h]
        axes.bar(
            [x for x, _, _ in shown],
            [h for _, _, h in shown],
            bottom=[b for _, b, _ in shown],
            label=labels.get(group, group),
            **style,
        )
        if group == FEW:
            for x, bottom, height in shown:
                axes.text(x, bottom + height / 2, SMALL, ha="center", va="center",
                          fontproperties=font, bbox=_LABEL_BOX)  # fmt: skip
        bottoms = [b + h for b, h in zip(bottoms, heights, strict=True)]
    axes.set_xticks(positions)
    axes.set_xlim(-0.5, len(positions) - 0.5)  # every month, also those without a drawn bar
    axes.set_xticklabels(names, rotation=45, ha="right", fontproperties=font)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_ylabel(y_label, fontproperties=font)
    axes.set_title(title, fontproperties=font)
    if not groups:
        axes.set_ylim(0, 1)
        axes.text(
            0.5, 0.5, empty_text, ha="center", va="center", transform=axes.transAxes,
            fontproperties=font,
        )  # fmt: skip
    else:
        axes.legend(prop=font.copy(), fontsize="small", loc="upper left", bbox_to_anchor=(1, 1))
    figure.tight_layout()
    return figure


def render_chart(
    bars: Sequence[Bar], *, labels: Mapping[str, str], title: str, empty_text: str, y_label: str
) -> bytes:
    """PNG bytes of `draw_chart`."""
    figure = draw_chart(bars, labels=labels, title=title, empty_text=empty_text, y_label=y_label)
    out = io.BytesIO()
    figure.savefig(out, format="png", metadata={"Software": None})
    return out.getvalue()
