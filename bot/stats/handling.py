"""The month's handling figures (pure): days from the report to each step's first record,
prevention actions open and overdue at the month's end, answers to the reporter on time or
late, the closing survey (in aggregate only) and cooperation requests.

The survey's averages are shown only from 3 answers up: below that, the count reads "<3" and
no average is given, so nobody's answer can be read out of a small month.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from bot.i18n import t
from bot.stats.figures import Spread, shown, spread

STEPS = ("facts", "care", "measures", "prevention")
ANSWER_STATES = ("on_time", "late", "open")
SURVEY_MIN = 3


@dataclass(frozen=True)
class HandlingFigures:
    step_days: Mapping[str, Spread] = field(default_factory=dict)
    prevention_open: int = 0
    prevention_overdue: int = 0
    ack: Mapping[str, int] = field(default_factory=dict)  # on_time | late | open
    feedback: Mapping[str, int] = field(default_factory=dict)
    survey_count: int = 0
    survey_supported: float | None = None  # mean 1-5, None under SURVEY_MIN answers
    survey_again: float | None = None
    cooperation: Mapping[str, int] = field(default_factory=dict)  # made | received


def handling_figures(
    *,
    step_days: Mapping[str, Iterable[float | None]],
    prevention: tuple[int, int],
    ack: Iterable[str],
    feedback: Iterable[str],
    survey: Sequence[tuple[int, int]],
    cooperation: Iterable[str],
) -> HandlingFigures:
    enough = len(survey) >= SURVEY_MIN
    return HandlingFigures(
        step_days={step: spread(step_days.get(step, ())) for step in STEPS},
        prevention_open=prevention[0],
        prevention_overdue=prevention[1],
        ack=dict(Counter(ack)),
        feedback=dict(Counter(feedback)),
        survey_count=len(survey),
        survey_supported=statistics.mean(a for a, _ in survey) if enough else None,
        survey_again=statistics.mean(b for _, b in survey) if enough else None,
        cooperation=dict(Counter(cooperation)),
    )


def _days(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"


def _states(counts: Mapping[str, int], locale: str) -> str:
    return " · ".join(
        f"{t(f'stats.handling.{state}', locale)} {shown(counts.get(state, 0))}"
        for state in ANSWER_STATES
    )


def handling_lines(figures: HandlingFigures, locale: str) -> str:
    """The report's "Handling" section (mrkdwn, no user text)."""
    steps = " · ".join(
        t(
            "stats.handling.step",
            locale,
            step=t(f"handling.step.{step}", locale),
            median=_days(figures.step_days[step].median),
        )
        for step in STEPS
        if step in figures.step_days
    )
    survey = (
        t(
            "stats.handling.survey",
            locale,
            count=shown(figures.survey_count),
            supported=f"{figures.survey_supported:.1f}",
            again=f"{figures.survey_again:.1f}",
        )
        if figures.survey_supported is not None and figures.survey_again is not None
        else t("stats.handling.survey_few", locale, count=shown(figures.survey_count))
    )
    lines = [
        f"*{t('stats.handling.title', locale)}*",
        t("stats.handling.steps", locale, steps=steps),
        t(
            "stats.handling.prevention",
            locale,
            open=shown(figures.prevention_open),
            overdue=shown(figures.prevention_overdue),
        ),
        t("stats.handling.ack", locale, states=_states(figures.ack, locale)),
        t("stats.handling.feedback", locale, states=_states(figures.feedback, locale)),
        survey,
        t(
            "stats.handling.cooperation",
            locale,
            made=shown(figures.cooperation.get("made", 0)),
            received=shown(figures.cooperation.get("received", 0)),
        ),
    ]
    return "\n".join(lines)
