"""Building an export: the range a person asked for, and the CSV of its cases.

`/harassment export [YYYY-MM[..YYYY-MM]]` and `harassment-desk export --from --to --out FILE`
both end here. Months are calendar months in the desk's time zone (`DESK_TIMEZONE`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.content_mode import ContentMode, place_in_slack
from bot.deskhours import DeskHours, Month
from bot.export.csvfile import ExportRow, build_csv
from bot.export.labels import Labels
from bot.i18n import t
from storage.models import Case
from storage.repositories import handling as handling_repo
from storage.repositories import insight as insight_repo

_RANGE = re.compile(r"^\s*(\S+?)\s*(?:\.\.\s*(\S+))?\s*$")
NAMED = "named"  # the only identity value that lets a reporter's id into an export


class RangeError(ValueError):
    """A range that cannot be exported; `code` is the catalogue key of the one-line answer."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class MonthRange:
    first: Month
    last: Month

    def __str__(self) -> str:
        return str(self.first) if self.first == self.last else f"{self.first}..{self.last}"

    def bounds(self, tz: ZoneInfo) -> tuple[datetime, datetime]:
        """[start, end) as aware instants: midnight of the first day to midnight after the last."""
        start = datetime.combine(self.first.first_day, time(0), tz)
        end = datetime.combine(self.last.next().first_day, time(0), tz)
        return start, end


def parse_range(text: str, today: date) -> MonthRange:
    """`` (this month), `2026-11`, or `2026-09..2026-11`; never reversed or in the future."""
    if not text.strip():
        month = Month.of(today)
        return MonthRange(month, month)
    match = _RANGE.match(text)
    if not match:
        raise RangeError("export.error.form")
    try:
        first = Month.parse(match.group(1))
        last = Month.parse(match.group(2)) if match.group(2) else first
    except ValueError:
        raise RangeError("export.error.form") from None
    if last < first:
        raise RangeError("export.error.reversed")
    if Month.of(today) < last:
        raise RangeError("export.error.future")
    return MonthRange(first, last)


WITH_TEXT = "--with-text"


def parse_export_args(text: str, today: date) -> tuple[MonthRange, bool]:
    """`/harassment export` arguments: an optional range and an optional `--with-text`."""
    words = text.split()
    with_text = WITH_TEXT in words
    rest = " ".join(word for word in words if word != WITH_TEXT)
    if any(word.startswith("--") for word in rest.split()):
        raise RangeError("export.error.form")
    return parse_range(rest, today), with_text


def _iso(moment: datetime | None, tz: ZoneInfo) -> str:
    return moment.astimezone(tz).isoformat(timespec="minutes") if moment else ""


def _hours(delta: timedelta | None) -> float | None:
    return None if delta is None else round(delta.total_seconds() / 3600, 2)


def desk_hours_between(hours: DeskHours, case: Case, end: datetime | None) -> timedelta | None:
    """Desk time from report to `end`: around the clock for someone in danger (their SLA)."""
    if end is None:
        return None
    if case.in_danger:
        return max(end - case.created_at, timedelta(0))
    return hours.open_time_between(case.created_at, end)


@dataclass(frozen=True)
class ExportFile:
    filename: str
    content: bytes
    count: int


# Which of these cases the person who asked may see (`AccessGate.visible`); None: all of them
# (the operator's `harassment-desk export`).
Visible = Callable[[Session, list[int]], set[int]]


def listed_only(case: Case, labels: Labels, tz: ZoneInfo) -> ExportRow:
    """A case the requester may not see (restricted to others, or kept from them by the
    reporter): counted and listed, nothing more."""
    return ExportRow(
        reference=case.reference,
        reported_at=_iso(case.created_at, tz),
        occurred_at="",
        acknowledged_at="",
        resolved_at="",
        status=labels.status(case.status),
        in_danger=False,
        categories=[],
        location="",
        channel="",
        customer_type="",
        customer="",
        outcome="",
        hours_to_acknowledge=None,
        hours_to_resolve=None,
        desk_hours_to_acknowledge=None,
        desk_hours_to_resolve=None,
        sla_breached=False,
        checkins=[],
    )


def export_rows(
    session: Session,
    span: MonthRange,
    *,
    hours: DeskHours,
    labels: Labels,
    with_text: bool,
    with_names: bool = True,
    places: frozenset[str] = frozenset(),
    visible: Visible | None = None,
) -> list[ExportRow]:
    """The rows of the export; without `with_names` (a file Slack will hold, in sealed mode)
    neither a named reporter, nor the register's name for the customer, nor a place typed on
    the form (only one from LOCATIONS)."""
    content = ContentMode.FULL if with_names else ContentMode.SEALED
    start, end = span.bounds(hours.tz)
    cases = insight_repo.cases_between(session, start, end, with_text=with_text)
    ids = [case.id for case in cases]
    extras = insight_repo.extras_for(session, ids)
    seen = visible(session, ids) if visible is not None else set(ids)
    requests = handling_repo.cooperation_for(session, ids)
    tz = hours.tz
    rows = []
    for case in cases:
        if case.id not in seen:
            rows.append(listed_only(case, labels, tz))
            continue
        extra = extras[case.id]
        cooperation = requests.get(case.id, [])
        acknowledged = case.acknowledged_at
        rows.append(
            ExportRow(
                reference=case.reference,
                reported_at=_iso(case.created_at, tz),
                occurred_at=_iso(case.occurred_at, tz),
                acknowledged_at=_iso(acknowledged, tz),
                resolved_at=_iso(case.resolved_at, tz),
                status=labels.status(case.status),
                in_danger=case.in_danger,
                categories=[labels.category(key) for key in case.categories or ()],
                location=place_in_slack(case.location, places, content),
                channel=labels.channel(case.contact_channel),
                customer_type=labels.customer_type(case.customer_type),
                customer=extra.customer_name if with_names else "",
                outcome=labels.outcome(case.resolution or ""),
                hours_to_acknowledge=_hours(
                    acknowledged - case.created_at if acknowledged else None
                ),
                hours_to_resolve=_hours(
                    case.resolved_at - case.created_at if case.resolved_at else None
                ),
                desk_hours_to_acknowledge=_hours(desk_hours_between(hours, case, acknowledged)),
                desk_hours_to_resolve=_hours(desk_hours_between(hours, case, case.resolved_at)),
                sla_breached=case.sla_stage > 0,
                checkins=[f"{seq}:{answer}" for seq, answer in extra.checkins],
                reporter=case.reporter_user_id if case.identity == NAMED and with_names else "",
                narrative=case.narrative if with_text else "",
                demands=case.demands if with_text else "",
                cooperation=[
                    f"{labels.cooperation(r.direction)} {r.requested_on.isoformat()} {r.company}"
                    for r in cooperation
                ],
                cooperation_text=[
                    f"{r.company}: {r.asked} / {r.answered}" for r in cooperation if with_text
                ],
            )
        )
    return rows


def build_export(
    session: Session,
    span: MonthRange,
    *,
    hours: DeskHours,
    labels: Labels,
    with_text: bool,
    with_names: bool = True,
    places: frozenset[str] = frozenset(),
    visible: Visible | None = None,
) -> ExportFile:
    rows = export_rows(
        session,
        span,
        hours=hours,
        labels=labels,
        with_text=with_text,
        with_names=with_names,
        places=places,
        visible=visible,
    )
    note = t("export.note.empty", labels.locale, range=str(span))
    content = build_csv(rows, with_text=with_text, note=note)
    suffix = "-with-text" if with_text else ""
    return ExportFile(f"harassment-desk-{span}{suffix}.csv".replace("..", "_"), content, len(rows))
