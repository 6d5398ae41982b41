"""Read-only queries behind the export and the monthly report, batched: no N+1."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, defer

from storage.crypto import Unreadable
from storage.encryption import CASE, CUSTOMER, open_value, preload_keys, ring_of
from storage.models import Case, CheckIn, Customer, CustomerCase, MonthlyReportSlot

CHUNK = 500


@dataclass(frozen=True)
class CaseExtras:
    customer_name: str
    customer_id: int | None
    checkins: tuple[tuple[int, str], ...]  # (sequence, response or status)


# The sealed texts an export without `--with-text` never shows: not loaded, so not opened.
_TEXTS_NOT_SHOWN = (
    Case.narrative,
    Case.demands,
    Case.witnesses,
    Case.injury,
    Case.immediate_action,
    Case.wants,
    Case.customer_text,
)


def cases_between(
    session: Session, start: datetime, end: datetime, *, with_text: bool = True
) -> Sequence[Case]:
    """Cases reported in [start, end), oldest first (their data keys unwrapped in batches);
    without `with_text`, their free texts (but the location) are not loaded."""
    ids = session.scalars(select(Case.id).where(Case.created_at >= start, Case.created_at < end))
    preload_keys(session, CASE, ids)
    options = [] if with_text else [defer(column) for column in _TEXTS_NOT_SHOWN]
    return session.scalars(
        select(Case)
        .options(*options)
        .where(Case.created_at >= start, Case.created_at < end)
        .order_by(Case.created_at, Case.id)
    ).all()


def extras_for(session: Session, case_ids: Sequence[int]) -> dict[int, CaseExtras]:
    customers: dict[int, tuple[int, str]] = {}
    checkins: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for start in range(0, len(case_ids), CHUNK):
        chunk = list(case_ids[start : start + CHUNK])
        for case_id, customer_id, name in session.execute(
            select(CustomerCase.case_id, Customer.id, Customer.display_name)
            .join(Customer, Customer.id == CustomerCase.customer_id)
            .where(CustomerCase.case_id.in_(chunk))
        ):
            subject = (CUSTOMER, customer_id)
            try:
                name = open_value(session, "customers", "display_name", subject, name)
            except Unreadable:
                name = ring_of(session).unreadable
            customers[case_id] = (customer_id, name)
        for case_id, sequence, response, status in session.execute(
            select(CheckIn.case_id, CheckIn.sequence, CheckIn.response, CheckIn.status)
            .where(CheckIn.case_id.in_(chunk))
            .order_by(CheckIn.case_id, CheckIn.sequence)
        ):
            checkins[case_id].append((sequence, response or status))
    return {
        case_id: CaseExtras(
            customer_name=customers[case_id][1] if case_id in customers else "",
            customer_id=customers[case_id][0] if case_id in customers else None,
            checkins=tuple(checkins.get(case_id, ())),
        )
        for case_id in case_ids
    }


def customer_case_counts(session: Session, customer_ids: Sequence[int]) -> dict[int, int]:
    if not customer_ids:
        return {}
    rows = session.execute(
        select(CustomerCase.customer_id, func.count())
        .where(CustomerCase.customer_id.in_(sorted(set(customer_ids))))
        .group_by(CustomerCase.customer_id)
    )
    return {customer_id: int(n) for customer_id, n in rows}


def category_counts_by_month(
    session: Session, start: datetime, end: datetime
) -> Sequence[tuple[int, datetime, list[str]]]:
    """(id, created_at, categories) of every case in [start, end): the chart counts them by
    month."""
    rows = session.execute(
        select(Case.id, Case.created_at, Case.categories).where(
            Case.created_at >= start, Case.created_at < end
        )
    )
    return [
        (case_id, created_at, list(categories or ())) for case_id, created_at, categories in rows
    ]


def claim_month(session: Session, month: str, now: datetime) -> bool:
    """True for the one caller that first claims `month`'s automatic report."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = (
        insert(MonthlyReportSlot)
        .values(month=month, queued_at=now)
        .on_conflict_do_nothing()
        .returning(MonthlyReportSlot.month)
    )
    return session.execute(statement).scalar_one_or_none() is not None
