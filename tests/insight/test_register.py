"""The customer register against a real database: link, match, measures, merge, audit, purge."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.customers.service import (
    CustomerService,
    Done,
    FieldErrors,
    Refused,
    case_history,
)
from bot.retention import LegalHolds
from bot.retention.service import purge
from storage.db import SessionFactory
from storage.models import Case, CaseEvent, CaseStatus, Customer, MeasureKind
from storage.repositories import customers as repo
from tests.insight.support import add_case, clock_at, database

NOW = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)
DESK_MEMBER = "UDESK00001"
OUTSIDER = "UOUTSIDE01"


@pytest.fixture
def sessions(database_url: str) -> Iterator[SessionFactory]:
    with database(database_url) as (_engine, factory):
        yield factory


@pytest.fixture
def service(sessions: SessionFactory) -> CustomerService:
    return CustomerService(
        sessions=sessions,
        clock=clock_at(NOW),
        is_staff=lambda user: user == DESK_MEMBER,
        holds=LegalHolds(sessions, lambda: (DESK_MEMBER,)),
    )


def new_case(sessions: SessionFactory, days_ago: float, **kwargs: object) -> int:
    with sessions.begin() as session:
        return add_case(session, NOW - timedelta(days=days_ago), **kwargs).id  # type: ignore[arg-type]


def test_create_link_and_match_a_later_case(
    sessions: SessionFactory, service: CustomerService
) -> None:
    first = new_case(sessions, 30, customer_text="ﾔﾏﾀﾞ ﾀﾛｳ")
    outcome = service.create_and_link(
        DESK_MEMBER, first, display_name="山田太郎様", identifiers_text="ﾔﾏﾀﾞ ﾀﾛｳ, 090-1234-5678"
    )
    assert isinstance(outcome, Done)
    customer_id = outcome.customer_id
    second = new_case(sessions, 10, customer_text="やまだ たろう")
    assert isinstance(service.link_existing(DESK_MEMBER, second, customer_id), Done)
    # A third report names the customer by phone, written differently: it is matched, not linked.
    third = new_case(sessions, 1, customer_text="０９０ １２３４ ５６７８")
    banned = service.add_measure(
        DESK_MEMBER,
        customer_id,
        kind=MeasureKind.BANNED,
        starts_on=date(2026, 11, 1),
        ends_on=date(2027, 3, 31),
    )
    assert isinstance(banned, Done)
    with sessions() as session:
        case = session.get(Case, third)
        assert case is not None
        history = case_history(session, case, date(2026, 11, 20))
    assert history is not None and not history.linked
    assert history.customer_id == customer_id
    assert len(history.earlier_references) == 2
    assert history.banned and history.banned_until == date(2027, 3, 31)

    for_case = service.for_case(DESK_MEMBER, third)
    assert for_case is not None and [s.id for s in for_case.suggestions] == [customer_id]
    assert for_case.given == "０９０ １２３４ ５６７８"

    found = service.find(DESK_MEMBER, "ヤマダ")
    assert isinstance(found, list) and [s.id for s in found] == [customer_id]
    assert found[0].banned and len(found[0].case_references) == 2
    with sessions() as session:
        actions = [row.action for row in repo.audit_rows(session)]
        events = session.scalars(select(CaseEvent.action)).all()
    assert actions == ["create", "link", "link", "measure", "read:case", "read:search"]
    assert events.count("customer:link") == 2


def test_bad_identifiers_are_field_errors(
    sessions: SessionFactory, service: CustomerService
) -> None:
    case_id = new_case(sessions, 1)
    punctuation = service.create_and_link(
        DESK_MEMBER, case_id, display_name="----", identifiers_text="!!!"
    )
    assert isinstance(punctuation, FieldErrors)
    assert punctuation.errors == {
        "name": "customer.error.identifier_punctuation",
        "identifiers": "customer.error.identifier_punctuation",
    }
    long = service.create_and_link(
        DESK_MEMBER, case_id, display_name="山田", identifiers_text="x" * 10_000
    )
    assert isinstance(long, FieldErrors)
    assert long.errors == {"identifiers": "customer.error.identifier_long"}
    assert service.find(DESK_MEMBER, "・・・") == "customer.error.identifier_punctuation"
    with sessions() as session:
        assert repo.count(session) == 0


def test_merging_twice_is_refused(sessions: SessionFactory, service: CustomerService) -> None:
    a_case, b_case = new_case(sessions, 5), new_case(sessions, 4)
    a = service.create_and_link(DESK_MEMBER, a_case, display_name="山田", identifiers_text="A-1")
    b = service.create_and_link(DESK_MEMBER, b_case, display_name="ヤマダ", identifiers_text="A-2")
    assert isinstance(a, Done) and isinstance(b, Done)
    merged = service.merge(DESK_MEMBER, b.customer_id, a.customer_id)
    assert isinstance(merged, Done) and merged.detail == {"cases": 1}
    again = service.merge(DESK_MEMBER, b.customer_id, a.customer_id)
    assert again == Refused("customer.error.already_merged")
    assert service.merge(DESK_MEMBER, a.customer_id, a.customer_id) == Refused(
        "customer.error.merge_self"
    )
    # Linking to the merged-away record lands on the surviving one.
    c_case = new_case(sessions, 1)
    linked = service.link_existing(DESK_MEMBER, c_case, b.customer_id)
    assert isinstance(linked, Done) and linked.customer_id == a.customer_id
    assert len(service.linked_case_ids(a.customer_id)) == 3


def test_purged_cases_take_their_customer_unless_a_measure_is_in_force(
    sessions: SessionFactory, service: CustomerService
) -> None:
    old = NOW - timedelta(days=2000)
    ids = []
    for name in ("消える客", "禁止中の客"):
        case_id = new_case(
            sessions, 2000, status=CaseStatus.RESOLVED, resolved_at=old + timedelta(days=1)
        )
        done = service.create_and_link(DESK_MEMBER, case_id, display_name=name, identifiers_text="")
        assert isinstance(done, Done)
        ids.append((case_id, done.customer_id))
    service.add_measure(
        DESK_MEMBER, ids[1][1], kind=MeasureKind.BANNED, starts_on=date(2020, 1, 1), ends_on=None
    )
    # The retention purge (end to end) takes the customer records along. It counts
    # from a case's last activity, and linking the customer was activity: purge once the
    # retention period has passed since then.
    later = NOW + timedelta(days=1100)
    result = purge(sessions, None, now=later, retention=timedelta(days=1095), today=later.date())
    assert result.cases == 2
    assert result.rows["customer_records"] == 1
    with sessions() as session:
        left = session.scalars(select(Customer.id)).all()
    assert left == [ids[1][1]]
    # Linking the remaining record to the purged case is refused, not an error.
    assert service.link_existing(DESK_MEMBER, ids[1][0], ids[1][1]) == Refused(
        "customer.error.case_gone"
    )


def test_non_desk_users_are_refused_and_audited(
    sessions: SessionFactory, service: CustomerService
) -> None:
    assert service.authorise(OUTSIDER, "customer") is False
    assert service.authorise(DESK_MEMBER, "customer") is True
    with sessions() as session:
        rows = repo.audit_rows(session)
    assert [(r.actor_user_id, r.action) for r in rows] == [(OUTSIDER, "denied:customer")]


def test_legal_hold_from_the_register_holds_every_linked_case(
    sessions: SessionFactory, service: CustomerService
) -> None:
    case_id = new_case(sessions, 3)
    done = service.create_and_link(DESK_MEMBER, case_id, display_name="山田", identifiers_text="")
    assert isinstance(done, Done)
    held = service.hold_linked_cases(DESK_MEMBER, done.customer_id)
    assert held == 1
    with sessions() as session:
        case = session.get(Case, case_id)
        assert case is not None and (case.legal_hold, case.legal_hold_by) == (True, DESK_MEMBER)
