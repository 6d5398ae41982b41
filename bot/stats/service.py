"""The monthly report from the database only: figures, the channel post and the chart."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from bot.content_mode import ContentMode, place_in_slack
from bot.deskhours import DeskHours
from bot.export import Labels, MonthRange, desk_hours_between
from bot.i18n import t
from bot.stats.chart import (
    FEW,
    OTHER,
    SEVERAL,
    UNCATEGORISED,
    Bar,
    chart_bars,
    render_chart,
)
from bot.stats.figures import CaseFacts, Month, MonthlyFigures, monthly_figures
from bot.stats.handling import HandlingFigures, handling_figures
from storage.models import Case
from storage.repositories import handling as handling_repo
from storage.repositories import insight as insight_repo
from storage.repositories import restriction as restriction_repo

CHART_MONTHS = 12
ANSWERED = ("ok", "talk", "stop")  # check-in answers counted in the report
# What the reporter is owed by default (ACK_TO_REPORTER, FEEDBACK_DUE).
ANSWERS_DUE = (timedelta(days=7), timedelta(days=90))


class MonthError(ValueError):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def parse_month(text: str, today: date) -> Month:
    """`/harassment stats [YYYY-MM]`: the given month, or last month when none is given."""
    if not text.strip():
        return Month.of(today).previous()
    try:
        month = Month.parse(text)
    except ValueError:
        raise MonthError("stats.error.form") from None
    if Month.of(today) < month:
        raise MonthError("stats.error.future")
    return month


def _hours(value: timedelta | None) -> float | None:
    return None if value is None else value.total_seconds() / 3600


def _answer(sent: datetime | None, due: datetime) -> str:
    if sent is None:
        return "open"
    return "on_time" if sent <= due else "late"


def month_handling(
    session: Session,
    cases: Sequence[Case],
    bounds: tuple[datetime, datetime],
    answers_due: tuple[timedelta, timedelta],
) -> HandlingFigures:
    """Steps and answers of the month's cases; survey answers, cooperation requests and
    prevention actions of the month itself."""
    ids = [case.id for case in cases]
    firsts = handling_repo.step_times(session, ids)
    feedback = handling_repo.first_feedback(session, ids)
    ack_due, feedback_due = answers_due

    def days(case: Case, at: datetime | None) -> float | None:
        return None if at is None else (at - case.created_at).total_seconds() / 86400

    start, end = bounds
    answers = handling_repo.survey_answers(session, start, end)
    return handling_figures(
        step_days={
            step: [days(case, firsts[step].get(case.id)) for case in cases] for step in firsts
        },
        prevention=handling_repo.prevention_as_of(session, end),
        ack=[_answer(c.acknowledged_at, c.created_at + ack_due) for c in cases],
        feedback=[_answer(feedback.get(c.id), c.created_at + feedback_due) for c in cases],
        survey=[(a.supported, a.consult_again) for a in answers],
        cooperation=[r.direction for r in handling_repo.cooperation_between(session, start, end)],
    )


def month_figures(
    session: Session,
    month: Month,
    *,
    hours: DeskHours,
    places: frozenset[str] = frozenset(),
    content: ContentMode = ContentMode.FULL,
    answers_due: tuple[timedelta, timedelta] = ANSWERS_DUE,
) -> MonthlyFigures:
    start, end = MonthRange(month, month).bounds(hours.tz)
    every = insight_repo.cases_between(session, start, end, with_text=False)
    private = restriction_repo.private_ids(session, [case.id for case in every])
    cases = [case for case in every if case.id not in private]
    extras = insight_repo.extras_for(session, [case.id for case in cases])
    facts = []
    customer_ids = []
    for case in cases:
        extra = extras[case.id]
        if extra.customer_id is not None:
            customer_ids.append(extra.customer_id)
        facts.append(
            CaseFacts(
                categories=list(case.categories or ()),
                location=place_in_slack(case.location, places, content),
                channel=case.contact_channel,
                customer_type=case.customer_type,
                outcome=case.resolution or "",
                acknowledge_hours=_hours(desk_hours_between(hours, case, case.acknowledged_at)),
                resolve_hours=_hours(desk_hours_between(hours, case, case.resolved_at)),
                sla_breached=case.sla_stage > 0,
                checkin_answers=[a for _, a in extra.checkins if a in ANSWERED],
                customer_id=extra.customer_id,
            )
        )
    totals = insight_repo.customer_case_counts(session, customer_ids)
    repeat = [cid for cid in customer_ids if totals.get(cid, 0) >= 2]
    figures = monthly_figures(month, facts, repeat_customer_ids=repeat, restricted=len(private))
    return replace(figures, handling=month_handling(session, cases, (start, end), answers_due))


def chart_bars_until(session: Session, last: Month, *, hours: DeskHours) -> list[Bar]:
    """The chart's bars: each case of the 12 months ending with `last`, counted once."""
    months = last.last(CHART_MONTHS)
    start, _ = MonthRange(months[0], months[0]).bounds(hours.tz)
    _, end = MonthRange(last, last).bounds(hours.tz)
    cases: dict[Month, list[list[str]]] = defaultdict(list)
    rows = insight_repo.category_counts_by_month(session, start, end)
    private = restriction_repo.private_ids(session, [case_id for case_id, _, _ in rows])
    for case_id, created_at, categories in rows:
        if case_id in private:
            continue  # restricted cases stay out of the chart's categories
        local = created_at.astimezone(hours.tz)
        cases[Month(local.year, local.month)].append(categories)
    return chart_bars(months, cases)


@dataclass(frozen=True)
class MonthlyReport:
    figures: MonthlyFigures
    chart_png: bytes


def chart_png(bars: Sequence[Bar], labels: Labels) -> bytes:
    """The PNG of `bars`, in the language of `labels`."""
    locale = labels.locale
    names = {s.group: labels.category(s.group) for bar in bars for s in bar.segments}
    names[SEVERAL] = t("stats.chart.several", locale)
    names[UNCATEGORISED] = t("stats.uncategorised", locale)
    names[OTHER] = t("stats.chart.other", locale)
    names[FEW] = t("stats.chart.few", locale)
    return render_chart(
        bars,
        labels=names,
        title=t("stats.chart.title", locale, first=bars[0].month, last=bars[-1].month),
        empty_text=t("stats.chart.empty", locale),
        y_label=t("stats.chart.y", locale),
    )


def month_chart(session: Session, month: Month, *, hours: DeskHours, labels: Labels) -> bytes:
    """The PNG: cases per month by category over the 12 months ending with `month`."""
    return chart_png(chart_bars_until(session, month, hours=hours), labels)


def build_report(
    session: Session,
    month: Month,
    *,
    hours: DeskHours,
    labels: Labels,
    answers_due: tuple[timedelta, timedelta] = ANSWERS_DUE,
) -> MonthlyReport:
    figures = month_figures(session, month, hours=hours, answers_due=answers_due)
    png = month_chart(session, month, hours=hours, labels=labels)
    return MonthlyReport(figures=figures, chart_png=png)
