"""The monthly report's channel post (pure): small counts shown as "<3", no narrative."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from bot.export import Labels
from bot.i18n import t
from bot.slack import blocks as bk
from bot.slack.mrkdwn import escape
from bot.stats.figures import MonthlyFigures, Spread, hours_text, shown
from bot.stats.handling import handling_lines

MAX_LINES = 12  # per breakdown; the rest are summed into "other"


@dataclass(frozen=True)
class ReportMessage:
    text: str
    blocks: list[bk.Block]


def _breakdown(
    title: str, counts: Mapping[str, int], name: Callable[[str], str], locale: str
) -> str:
    items = list(counts.items())
    lines = [f"• {escape(name(key))}: {shown(n)}" for key, n in items[:MAX_LINES]]
    rest = sum(n for _, n in items[MAX_LINES:])
    if rest:
        lines.append(f"• {t('stats.other', locale)}: {shown(rest)}")
    return f"*{title}*\n" + ("\n".join(lines) if lines else "–")


def _spread(title: str, value: Spread, locale: str) -> str:
    return t(
        "stats.spread",
        locale,
        title=title,
        median=hours_text(value.median),
        p90=hours_text(value.p90),
    )


def report_message(figures: MonthlyFigures, labels: Labels) -> ReportMessage:
    locale = labels.locale
    month = str(figures.month)
    title = t("stats.title", locale, month=month)
    if figures.total == 0:
        text = t("stats.empty", locale, month=month)
        return ReportMessage(text, [bk.header(title), bk.section(text)])

    def location(key: str) -> str:
        return t("stats.unknown_location", locale) if key == "unknown" else key

    def category(key: str) -> str:
        return t("stats.uncategorised", locale) if key == "uncategorised" else labels.category(key)

    def outcome(key: str) -> str:
        return t("stats.open", locale) if key == "open" else labels.outcome(key)

    def answer(key: str) -> str:
        return t(f"stats.answer.{key}", locale)

    summary = t("stats.total", locale, count=shown(figures.total), month=month)
    if figures.restricted:
        summary += "\n" + t("stats.restricted", locale, count=shown(figures.restricted))
    sections = [
        _breakdown(t("stats.by_category", locale), figures.by_category, category, locale),
        _breakdown(t("stats.by_location", locale), figures.by_location, location, locale),
        _breakdown(t("stats.by_channel", locale), figures.by_channel, labels.channel, locale),
        _breakdown(
            t("stats.by_customer_type", locale),
            figures.by_customer_type,
            labels.customer_type,
            locale,
        ),
        _breakdown(t("stats.by_outcome", locale), figures.by_outcome, outcome, locale),
        _breakdown(t("stats.checkins", locale), figures.checkin_answers, answer, locale),
    ]
    timing = "\n".join(
        [
            _spread(t("stats.acknowledge", locale), figures.acknowledge, locale),
            _spread(t("stats.resolve", locale), figures.resolve, locale),
            t("stats.breaches", locale, count=shown(figures.sla_breaches)),
            t("stats.repeat", locale, count=shown(figures.repeat_customers)),
        ]
    )
    blocks = [bk.header(title), bk.section(summary), bk.fields(sections), bk.section(timing)]
    if figures.handling is not None:
        blocks.append(bk.section(handling_lines(figures.handling, locale)))
    blocks.append(bk.context(t("stats.footnote", locale)))
    return ReportMessage(f"{title}: {summary}", blocks)
