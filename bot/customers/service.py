"""The customer register's rules (desk only): suggest, link, create, record measures, merge.

Every call names the acting desk member; every read and change writes a `customer_audit` row in
the same transaction, and a refusal is audited too. Summaries carry case references only: the
register never shows who reported a case.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy.orm import Session

from bot.access import REGISTER_LOOKUP, record_access
from bot.clock import Clock
from bot.customers.identifiers import (
    MAX_IDENTIFIER,
    STRONG_KINDS,
    Identifier,
    IdentifierError,
    extract_identifiers,
    parse_identifier,
    split_identifiers,
)
from bot.report import enqueue_case_update
from bot.restriction import AccessGate
from bot.retention import HoldOutcome, HoldResult, LegalHolds
from storage.db import SessionFactory
from storage.models import Case, Customer, CustomerMeasure, MeasureKind
from storage.repositories import cases as cases_repo
from storage.repositories import customers as repo
from storage.repositories.refusals import record_refusal

log = logging.getLogger(__name__)
MAX_IDENTIFIERS = 10
SEARCH_LIMIT = 10
DENIED = "denied:"


@dataclass(frozen=True)
class MeasureView:
    kind: str
    starts_on: date
    ends_on: date | None
    recorded_by: str
    in_force: bool


@dataclass(frozen=True)
class CustomerSummary:
    id: int
    display_name: str
    identifiers: tuple[str, ...]
    case_references: tuple[str, ...]
    measures: tuple[MeasureView, ...]
    banned_until: date | None = None
    banned: bool = False  # a ban in force today (banned_until None with banned = indefinitely)
    same_name: bool = False  # found by its name alone: maybe a namesake, the desk decides


@dataclass(frozen=True)
class CaseHistory:
    """What a case message says about its customer: earlier cases and a ban in force."""

    customer_id: int
    display_name: str
    earlier_references: tuple[str, ...]
    banned: bool
    banned_until: date | None
    linked: bool  # False: only suggested by a matching identifier
    same_name: bool = False  # suggested by the name alone (two customers can share a name)


@dataclass(frozen=True)
class CaseCustomers:
    reference: str
    linked: CustomerSummary | None
    suggestions: list[CustomerSummary]
    given: str  # what the reporter wrote under *Who was the customer*


@dataclass(frozen=True)
class FieldErrors:
    errors: dict[str, str]  # field name -> catalogue key


@dataclass(frozen=True)
class Done:
    customer_id: int
    detail: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Refused:
    code: str  # catalogue key


Outcome = Done | FieldErrors | Refused


def summarize(
    session: Session, customer: Customer, today: date, *, same_name: bool = False
) -> CustomerSummary:
    ban = repo.active_ban(customer, today)
    return CustomerSummary(
        id=customer.id,
        display_name=customer.display_name,
        identifiers=tuple(i.text for i in customer.identifiers),
        case_references=tuple(c.reference for c in repo.linked_cases(session, customer.id)),
        measures=tuple(_measure_view(m, today) for m in customer.measures),
        banned_until=ban.ends_on if ban else None,
        banned=ban is not None,
        same_name=same_name,
    )


def _measure_view(measure: CustomerMeasure, today: date) -> MeasureView:
    return MeasureView(
        kind=measure.kind,
        starts_on=measure.starts_on,
        ends_on=measure.ends_on,
        recorded_by=measure.recorded_by,
        in_force=repo.in_force(measure, today),
    )


def case_keys(case: Case) -> list[str]:
    """Matching keys of the identifiers the reporter gave under *Who was the customer*."""
    return [identifier.normalized for identifier in extract_identifiers(case.customer_text or "")]


@dataclass(frozen=True)
class Match:
    customer: Customer
    same_name: bool  # only names matched: a phone, e-mail or number match is strong


def matches(session: Session, keys: Sequence[str]) -> list[Match]:
    """Records with an identifier of one of `keys`: strong matches first, then same names."""
    found = [
        Match(customer, same_name=not (kinds & STRONG_KINDS))
        for customer, kinds in repo.match_keys(session, keys)
    ]
    return sorted(found, key=lambda match: match.same_name)


def case_history(session: Session, case: Case, today: date) -> CaseHistory | None:
    """The linked customer, or else the best match on the case's identifiers, with its history."""
    customer = repo.customer_of_case(session, case.id)
    linked = customer is not None
    same_name = False
    if customer is None:
        found = matches(session, case_keys(case))
        if found:
            customer, same_name = found[0].customer, found[0].same_name
    if customer is None:
        return None
    earlier = tuple(
        c.reference
        for c in repo.linked_cases(session, customer.id)
        if c.id != case.id and (c.created_at, c.id) < (case.created_at, case.id)
    )
    ban = repo.active_ban(customer, today)
    return CaseHistory(
        customer_id=customer.id,
        display_name=customer.display_name,
        earlier_references=earlier,
        banned=ban is not None,
        banned_until=ban.ends_on if ban else None,
        linked=linked,
        same_name=same_name,
    )


def parse_identifiers(text: str) -> list[Identifier] | str:
    """The identifiers in a field (each line or comma-separated part may hold several: a name and
    a phone number), or the catalogue key of the first problem."""
    if len(text) > MAX_IDENTIFIER * MAX_IDENTIFIERS:
        return "customer.error.identifier_long"
    found: dict[str, Identifier] = {}
    for part in split_identifiers(text):
        try:
            parse_identifier(part)  # the part as a whole: not empty, not too long, not only marks
        except IdentifierError as problem:
            return problem.code
        for identifier in extract_identifiers(part):
            found.setdefault(identifier.normalized, identifier)
    if len(found) > MAX_IDENTIFIERS:
        return "customer.error.too_many"
    return list(found.values())


def query_keys(query: str) -> list[str] | str:
    """The keys a search looks for, or the catalogue key of why the query cannot match. A query
    is read as a report's field is: `山田太郎 090-1234-5678` looks for the name and the phone."""
    if not query.strip():
        return "customer.error.identifier_empty"
    found = extract_identifiers(query)
    if not found:
        return "customer.error.identifier_punctuation"
    keys = [i.normalized for i in found if len(i.normalized) <= MAX_IDENTIFIER]
    return keys[:MAX_IDENTIFIERS] or "customer.error.identifier_long"


def refresh_case_messages(
    session: Session, case_ids: Sequence[int], key: str, now: datetime
) -> None:
    """Re-render the case messages in place so their customer line is current."""
    for case_id in case_ids:
        enqueue_case_update(session, case_id, f"case:{case_id}:customer:{key}", now)


class CustomerService:
    def __init__(
        self,
        *,
        sessions: SessionFactory,
        clock: Clock,
        is_staff: Callable[[str], bool],
        holds: LegalHolds,
        today: Callable[[datetime], date] | None = None,
        access: AccessGate | None = None,
    ) -> None:
        self._access = access
        self._sessions = sessions
        self._clock = clock
        self._is_staff = is_staff
        self._holds = holds
        self._today = today or (lambda now: now.date())

    def today(self) -> date:
        return self._today(self._clock.now())

    def authorise(self, actor: str, action: str) -> bool:
        if self._is_staff(actor):
            return True
        with self._sessions.begin() as session:
            repo.audit(
                session,
                customer_id=None,
                actor=actor,
                action=f"{DENIED}{action}"[:48],
                now=self._clock.now(),
            )
        log.info("denied customer register %s to non-desk user %s", action, actor)
        return False

    def case_allowed(self, actor: str, case_id: int) -> bool:
        """May `actor` link this case to a customer (and see its customer text)? Asked of
        `AccessGate.may_see`; a refusal is audited like every refused desk click."""
        if self._access is None:
            return True
        now = self._clock.now()
        # Asked before the transaction: it must never wait on Slack or the staff cache.
        staff, lead = self._access.is_staff(actor), self._access.is_lead(actor)
        with self._sessions.begin() as session:
            if cases_repo.get(session, case_id) is None:
                return True  # the caller says the case is gone
            if self._access.may_see_as(session, case_id, actor, staff=staff, lead=lead):
                return True
            record_refusal(
                session,
                case_id=case_id,
                actor_user_id=actor,
                action="denied:customer_link",
                now=now,
            )
        log.info("denied customer link on case %s to %s", case_id, actor)
        return False

    # Reads -------------------------------------------------------------------------------

    def find(self, actor: str, query: str) -> list[CustomerSummary] | str:
        """Records matching `query`, or the catalogue key of why the query cannot match."""
        keys = query_keys(query)
        if isinstance(keys, str):
            return keys
        now = self._clock.now()
        with self._sessions.begin() as session:
            found = repo.search_keys(session, keys, limit=SEARCH_LIMIT)
            today = self.today()
            summaries = [
                summarize(session, c, today, same_name=not (kinds & STRONG_KINDS))
                for c, kinds in found
            ]
            repo.audit(
                session,
                customer_id=None,
                actor=actor,
                action="read:search",
                now=now,
                detail={"found": [s.id for s in summaries]},
            )
            record_access(
                session, actor_user_id=actor, case_id=None, action=REGISTER_LOOKUP, at=now
            )
        return summaries

    def for_case(self, actor: str, case_id: int) -> CaseCustomers | None:
        """What the *Link to customer* modal shows; None when the case is gone."""
        now = self._clock.now()
        with self._sessions.begin() as session:
            case = cases_repo.get(session, case_id)
            if case is None:
                return None
            current = repo.customer_of_case(session, case_id)
            found = [
                match
                for match in matches(session, case_keys(case))
                if current is None or match.customer.id != current.id
            ]
            today = self.today()
            linked = summarize(session, current, today) if current else None
            suggestions = [
                summarize(session, match.customer, today, same_name=match.same_name)
                for match in found[:SEARCH_LIMIT]
            ]
            repo.audit(
                session,
                customer_id=current.id if current else None,
                actor=actor,
                action="read:case",
                now=now,
                detail={"case": case.reference, "suggested": [s.id for s in suggestions]},
            )
            record_access(
                session, actor_user_id=actor, case_id=case.id, action=REGISTER_LOOKUP, at=now
            )
            return CaseCustomers(case.reference, linked, suggestions, case.customer_text or "")

    # Changes -----------------------------------------------------------------------------

    def link_existing(self, actor: str, case_id: int, customer_id: int) -> Outcome:
        now = self._clock.now()
        with self._sessions.begin() as session:
            case = cases_repo.get(session, case_id)
            if case is None:
                return Refused("customer.error.case_gone")
            customer = repo.get(session, customer_id)
            if customer is None:
                return Refused("customer.error.customer_gone")
            previous = repo.link_case(
                session, customer=customer, case_id=case_id, actor=actor, now=now
            )
            self._record_link(session, case, customer, previous, actor, now)
            return Done(customer.id, {"case": case.reference})

    def create_and_link(
        self, actor: str, case_id: int, *, display_name: str, identifiers_text: str
    ) -> Outcome:
        errors: dict[str, str] = {}
        name = display_name.strip()
        if not name:
            errors["name"] = "customer.error.name_empty"
        elif len(name) > MAX_IDENTIFIER:
            errors["name"] = "customer.error.identifier_long"
        elif not extract_identifiers(name):
            errors["name"] = "customer.error.identifier_punctuation"
        parsed = parse_identifiers(identifiers_text)
        if isinstance(parsed, str):
            errors["identifiers"] = parsed
        if errors or isinstance(parsed, str):
            return FieldErrors(errors)
        now = self._clock.now()
        with self._sessions.begin() as session:
            case = cases_repo.get(session, case_id)
            if case is None:
                return Refused("customer.error.case_gone")
            customer = repo.create(session, display_name=name, actor=actor, now=now)
            # The name is an identifier too, so a later report that names them matches.
            for identifier in [*extract_identifiers(name), *parsed]:
                repo.add_identifier(
                    session,
                    customer,
                    text=identifier.text,
                    kind=identifier.kind,
                    normalized=identifier.normalized,
                    now=now,
                )
            repo.audit(
                session,
                customer_id=customer.id,
                actor=actor,
                action="create",
                now=now,
                detail={"identifiers": len(customer.identifiers)},
            )
            previous = repo.link_case(
                session, customer=customer, case_id=case_id, actor=actor, now=now
            )
            self._record_link(session, case, customer, previous, actor, now)
            return Done(customer.id, {"case": case.reference})

    def _record_link(
        self,
        session: Session,
        case: Case,
        customer: Customer,
        previous: int | None,
        actor: str,
        now: datetime,
    ) -> None:
        repo.audit(
            session,
            customer_id=customer.id,
            actor=actor,
            action="link",
            now=now,
            detail={"case": case.reference, "previous_customer": previous},
        )
        cases_repo.record_event(
            session,
            case_id=case.id,
            actor_user_id=actor,
            action="customer:link",
            now=now,
            before={"customer_id": previous},
            after={"customer_id": customer.id},
        )
        # The linked case and the customer's later cases name their history: refresh them.
        linked = [c.id for c in repo.linked_cases(session, customer.id)]
        refresh_case_messages(session, linked, f"link:{case.id}:{now.timestamp()}", now)

    def add_measure(
        self,
        actor: str,
        customer_id: int,
        *,
        kind: str,
        starts_on: date | None,
        ends_on: date | None,
    ) -> Outcome:
        errors: dict[str, str] = {}
        if kind not in MeasureKind.ALL:
            errors["kind"] = "customer.error.choose_measure"
        if starts_on is None:
            errors["starts_on"] = "customer.error.date_missing"
        elif ends_on is not None and ends_on < starts_on:
            errors["ends_on"] = "customer.error.until_before_from"
        if errors or starts_on is None:
            return FieldErrors(errors)
        now = self._clock.now()
        with self._sessions.begin() as session:
            customer = repo.get(session, customer_id)
            if customer is None:
                return Refused("customer.error.customer_gone")
            measure = repo.add_measure(
                session,
                customer,
                kind=kind,
                starts_on=starts_on,
                ends_on=ends_on,
                actor=actor,
                now=now,
            )
            detail = {
                "kind": kind,
                "from": starts_on.isoformat(),
                "until": ends_on.isoformat() if ends_on else None,
            }
            repo.audit(
                session,
                customer_id=customer.id,
                actor=actor,
                action="measure",
                now=now,
                detail=detail,
            )
            linked = [c.id for c in repo.linked_cases(session, customer.id)]
            refresh_case_messages(session, linked, f"measure:{measure.id}", now)
            return Done(customer.id, {"measure_id": measure.id, **detail})

    def merge(self, actor: str, source_id: int, target_id: int) -> Outcome:
        """Fold `source` into `target`. Merging a record that is already merged is refused."""
        if source_id == target_id:
            return Refused("customer.error.merge_self")
        now = self._clock.now()
        with self._sessions.begin() as session:
            source = session.get(Customer, source_id)
            target = repo.get(session, target_id)
            if source is None or target is None:
                return Refused("customer.error.customer_gone")
            if source.merged_into_id is not None:
                return Refused("customer.error.already_merged")
            if target.id == source.id:
                return Refused("customer.error.merge_self")
            moved = repo.merge(session, source=source, target=target, now=now)
            repo.audit(
                session,
                customer_id=target.id,
                actor=actor,
                action="merge",
                now=now,
                detail={"from": source_id, "cases": moved},
            )
            linked = [c.id for c in repo.linked_cases(session, target.id)]
            refresh_case_messages(session, linked, f"merge:{source_id}:{target.id}", now)
            return Done(target.id, {"cases": moved})

    def hold_linked_cases(self, actor: str, customer_id: int) -> int | str:
        """Legal hold on every case linked to the record, under the one legal-hold rule (desk
        leads only): the count of linked cases, or a catalogue key."""

        def linked(session: Session) -> Sequence[Case] | None:
            customer = repo.get(session, customer_id)
            return None if customer is None else repo.linked_cases(session, customer.id)

        def record(session: Session, result: HoldResult) -> None:
            detail = {"cases": result.cases, "changed": result.changed}
            repo.audit(
                session, customer_id=customer_id, actor=actor, action="legal_hold",
                now=now, detail=detail,
            )  # fmt: skip

        now = self._clock.now()
        result = self._holds.apply(
            actor=actor,
            find=linked,
            hold=True,
            now=now,
            cause={"customer_id": customer_id},
            after=record,
        )
        if result.outcome == HoldOutcome.NOT_FOUND:
            return "customer.error.customer_gone"
        if result.outcome in (HoldOutcome.NOT_LEAD, HoldOutcome.LEADS_UNAVAILABLE):
            return f"retention.hold.{result.outcome.value}"
        return result.cases

    def name_of(self, customer_id: int) -> str | None:
        with self._sessions() as session:
            customer = repo.get(session, customer_id)
            return customer.display_name if customer else None

    def linked_case_ids(self, customer_id: int) -> Sequence[int]:
        with self._sessions() as session:
            return [c.id for c in repo.linked_cases(session, customer_id)]
