"""The monthly report's PNG: cases per month by category over the last 12 months (pure).

matplotlib's object API with the Agg canvas (no pyplot state, no display), and the Japanese font
shipped inside the `matplotlib-fontja` wheel (IPAexGothic), so labels render on a bare server with
no system fonts. A month range with no cases still renders (empty axes and a "no cases" line).
"""

from __future__ import annotations

import functools
import io
from collections.abc import Mapping, Sequence

from bot.stats.figures import Month

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


def render_chart(
    months: Sequence[Month],
    counts: Mapping[str, Mapping[str, int]],
    *,
    labels: Mapping[str, str],
    title: str,
    empty_text: str,
    y_label: str,
) -> bytes:
    """PNG bytes. `counts[month][category]`; `labels[category]` is the legend text."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties
    from matplotlib.ticker import MaxNLocator

    font = FontProperties(fname=_font_path())
    figure = Figure(figsize=(WIDTH_INCHES, HEIGHT_INCHES), dpi=DPI)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot(1, 1, 1)
    names = [str(m) for m in months]
    positions = list(range(len(names)))
    categories = sorted({c for month in names for c in counts.get(month, {})})
    bottoms = [0] * len(names)
    for index, category in enumerate(categories):
        heights = [counts.get(month, {}).get(category, 0) for month in names]
        axes.bar(
            positions,
            heights,
            bottom=bottoms,
            label=labels.get(category, category),
            color=_COLOURS[index % len(_COLOURS)],
        )
        bottoms = [b + h for b, h in zip(bottoms, heights, strict=True)]
    axes.set_xticks(positions)
    axes.set_xticklabels(names, rotation=45, ha="right", fontproperties=font)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_ylabel(y_label, fontproperties=font)
    axes.set_title(title, fontproperties=font)
    if not categories:
        axes.set_ylim(0, 1)
        axes.text(
            0.5, 0.5, empty_text, ha="center", va="center", transform=axes.transAxes,
            fontproperties=font,
        )  # fmt: skip
    else:
        axes.legend(prop=font.copy(), fontsize="small", loc="upper left", bbox_to_anchor=(1, 1))
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format="png", metadata={"Software": None})
    return out.getvalue()
