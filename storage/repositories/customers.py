"""The customer register: records, identifiers, linked cases, measures, audit rows.

Functions take a session; the caller owns the transaction. Every read and change the desk makes
is written to `customer_audit` by the service through `audit` in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, exists, func, or_, select
from sqlalchemy.orm import Session, selectinload

from storage.encryption import CUSTOMER, preload_keys, ring_of, shred
from storage.models import (
    Case,
    Customer,
    CustomerAudit,
    CustomerCase,
    CustomerIdentifier,
    CustomerMeasure,
    MeasureKind,
)

MAX_MERGE_HOPS = 10


def audit(
    session: Session,
    *,
    customer_id: int | None,
    actor: str,
    action: str,
    now: datetime,
    detail: dict[str, Any] | None = None,
) -> None:
    session.add(
        CustomerAudit(
            customer_id=customer_id,
            actor_user_id=actor,
            action=action,
            detail=detail,
            created_at=now,
        )
    )


def audit_rows(session: Session, customer_id: int | None = None) -> Sequence[CustomerAudit]:
    query = select(CustomerAudit).order_by(CustomerAudit.id)
    if customer_id is not None:
        query = query.where(CustomerAudit.customer_id == customer_id)
    return session.scalars(query).all()


def create(session: Session, *, display_name: str, actor: str, now: datetime) -> Customer:
    customer = Customer(display_name=display_name, created_by=actor, created_at=now, updated_at=now)
    session.add(customer)
    session.flush()
    return customer


def get(session: Session, customer_id: int) -> Customer | None:
    """The record, following merges to the surviving one."""
    customer = session.get(Customer, customer_id)
    for _ in range(MAX_MERGE_HOPS):
        if customer is None or customer.merged_into_id is None:
            return customer
        customer = session.get(Customer, customer.merged_into_id)
    return customer


def add_identifier(
    session: Session, customer: Customer, *, text: str, kind: str, normalized: str, now: datetime
) -> bool:
    """False when the record already has an identifier with this matching key."""
    if any(existing.normalized == normalized for existing in customer.identifiers):
        return False
    customer.identifiers.append(
        CustomerIdentifier(text=text, kind=kind, normalized=normalized, created_at=now)
    )
    session.flush()
    return True


def _live_with_identifiers(
    session: Session, matching: Any, *, newest: int | None = None
) -> list[tuple[Customer, frozenset[str]]]:
    """Live records with an identifier that meets `matching`, each with the kinds that met it:
    by id, or the `newest` most recently changed."""
    kinds: dict[int, set[str]] = {}
    rows = session.execute(
        select(CustomerIdentifier.customer_id, CustomerIdentifier.kind)
        .join(Customer, Customer.id == CustomerIdentifier.customer_id)
        .where(Customer.merged_into_id.is_(None), matching)
    )
    for customer_id, kind in rows:
        kinds.setdefault(customer_id, set()).add(kind)
    if not kinds:
        return []
    query = (
        select(Customer)
        .where(Customer.id.in_(sorted(kinds)))
        .options(selectinload(Customer.identifiers), selectinload(Customer.measures))
    )
    if newest is None:
        query = query.order_by(Customer.id)
    else:
        query = query.order_by(Customer.updated_at.desc(), Customer.id).limit(newest)
    customers = session.scalars(query).all()
    return [(customer, frozenset(kinds[customer.id])) for customer in customers]


def match_keys(session: Session, keys: Iterable[str]) -> list[tuple[Customer, frozenset[str]]]:
    """Live records with an identifier whose matching key is one of `keys` (exact match, through
    the blind index), each with the kinds of its identifiers that matched; by id."""
    wanted = sorted({k for k in keys if k})
    if not wanted:
        return []
    ring = ring_of(session)
    lookups = [ring.lookup(key) for key in wanted]
    return _live_with_identifiers(session, CustomerIdentifier.lookup.in_(lookups))


def search_keys(
    session: Session, keys: Iterable[str], *, limit: int = 10
) -> list[tuple[Customer, frozenset[str]]]:
    """Live records with an identifier containing one of `keys` (normalised queries), each with
    the kinds of its identifiers that matched; most recently changed first. The keys are sealed,
    so they are opened and compared in memory (the register is a few thousand rows at most)."""
    wanted = sorted({k for k in keys if k})
    if not wanted:
        return []
    live = session.execute(
        select(CustomerIdentifier.customer_id)
        .join(Customer, Customer.id == CustomerIdentifier.customer_id)
        .where(Customer.merged_into_id.is_(None))
    ).scalars()
    customer_ids = sorted(set(live))
    preload_keys(session, CUSTOMER, customer_ids)
    matching_ids: list[int] = []
    for identifier in session.scalars(
        select(CustomerIdentifier).where(CustomerIdentifier.customer_id.in_(customer_ids))
    ):
        if any(key in identifier.normalized for key in wanted):
            matching_ids.append(identifier.id)
    if not matching_ids:
        return []
    return _live_with_identifiers(session, CustomerIdentifier.id.in_(matching_ids), newest=limit)


def search(session: Session, key: str, *, limit: int = 10) -> Sequence[Customer]:
    """Live records with an identifier containing `key` (a normalised query)."""
    return [customer for customer, _ in search_keys(session, [key], limit=limit)]


def customer_of_case(session: Session, case_id: int) -> Customer | None:
    link = session.get(CustomerCase, case_id)
    return get(session, link.customer_id) if link is not None else None


def link_case(
    session: Session, *, customer: Customer, case_id: int, actor: str, now: datetime
) -> int | None:
    """Link `case_id` to `customer`. Returns the customer it was linked to before (or None)."""
    link = session.get(CustomerCase, case_id)
    previous = link.customer_id if link is not None else None
    if link is None:
        session.add(
            CustomerCase(case_id=case_id, customer_id=customer.id, linked_by=actor, linked_at=now)
        )
    else:
        link.customer_id, link.linked_by, link.linked_at = customer.id, actor, now
    customer.updated_at = now
    session.flush()
    return previous


def linked_cases(session: Session, customer_id: int) -> Sequence[Case]:
    return session.scalars(
        select(Case)
        .join(CustomerCase, CustomerCase.case_id == Case.id)
        .where(CustomerCase.customer_id == customer_id)
        .order_by(Case.created_at, Case.id)
    ).all()


def add_measure(
    session: Session,
    customer: Customer,
    *,
    kind: str,
    starts_on: date,
    ends_on: date | None,
    actor: str,
    now: datetime,
) -> CustomerMeasure:
    if kind not in MeasureKind.ALL:
        raise ValueError(kind)
    measure = CustomerMeasure(
        kind=kind, starts_on=starts_on, ends_on=ends_on, recorded_by=actor, recorded_at=now
    )
    customer.measures.append(measure)
    customer.updated_at = now
    session.flush()
    return measure


def in_force(measure: CustomerMeasure, today: date) -> bool:
    return measure.starts_on <= today and (measure.ends_on is None or measure.ends_on >= today)


def active_ban(customer: Customer, today: date) -> CustomerMeasure | None:
    """The ban in force today that runs longest (an open-ended ban wins)."""
    bans = [m for m in customer.measures if m.kind == MeasureKind.BANNED and in_force(m, today)]
    if not bans:
        return None
    return max(bans, key=lambda m: (m.ends_on is None, m.ends_on or date.min))


def merge(session: Session, *, source: Customer, target: Customer, now: datetime) -> int:
    """Move identifiers, cases and measures from `source` into `target`; returns cases moved."""
    keys = {identifier.normalized for identifier in target.identifiers}
    for identifier in list(source.identifiers):
        source.identifiers.remove(identifier)
        if identifier.normalized not in keys:
            keys.add(identifier.normalized)
            target.identifiers.append(
                CustomerIdentifier(
                    text=identifier.text,
                    kind=identifier.kind,
                    normalized=identifier.normalized,
                    created_at=identifier.created_at,
                )
            )
    moved = 0
    for link in list(source.links):
        link.customer_id = target.id
        moved += 1
    for measure in list(source.measures):
        measure.customer_id = target.id
    session.flush()
    session.expire(source)
    session.expire(target)
    source.merged_into_id = target.id
    source.updated_at = target.updated_at = now
    session.flush()
    return moved


def purge_unlinked(session: Session, *, today: date) -> list[int]:
    """Delete records with no linked case left, unless a measure is still in force today.

    Merged-away records (which hold nothing) go too. Returns the deleted ids.
    """
    has_case = exists().where(CustomerCase.customer_id == Customer.id)
    measure_in_force = exists().where(
        CustomerMeasure.customer_id == Customer.id,
        CustomerMeasure.starts_on <= today,
        or_(CustomerMeasure.ends_on.is_(None), CustomerMeasure.ends_on >= today),
    )
    merged_into = select(Customer.merged_into_id).where(Customer.merged_into_id.is_not(None))
    ids = list(
        session.scalars(
            select(Customer.id).where(
                ~has_case, ~measure_in_force, Customer.id.not_in(merged_into.scalar_subquery())
            )
        ).all()
    )
    if ids:
        merged = session.scalars(select(Customer.id).where(Customer.merged_into_id.in_(ids)))
        shred(session, CUSTOMER, [*ids, *merged])
        session.execute(
            delete(Customer)
            .where(Customer.merged_into_id.in_(ids))
            .execution_options(synchronize_session=False)
        )
        session.execute(
            delete(Customer)
            .where(Customer.id.in_(ids))
            .execution_options(synchronize_session=False)
        )
    return ids


def count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(Customer)) or 0)
