"""Reading a case in a modal: who may, what they see, and the access row each read writes.

`CaseReader.may_open` is where reading a case asks the one rule of who may see it
(`bot.restriction.may_see`: desk staff, a restricted case's handlers and the leads, never a
member the reporter excluded); the desk's Open case, Show name and the case's accesses all go
through it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from bot.access import log as access_log
from bot.clock import Clock
from bot.desk import LeadsUnavailable
from bot.report import TEXT_FIELDS
from bot.restriction import AccessGate
from storage.db import SessionFactory, reading
from storage.models import Case
from storage.repositories import access as access_repo
from storage.repositories import cases as cases_repo
from storage.repositories import conversation as conversation_repo
from storage.repositories import customers as customers_repo
from storage.repositories import refusals as refusals_repo

log = logging.getLogger(__name__)

TIMELINE_MAX = 40
MESSAGES_MAX = 40
ACCESSES_MAX = 30


@dataclass(frozen=True)
class Line:
    at: datetime
    who: str | None  # a user id, or None for the reporter as such
    what: str  # a catalogue key suffix: the event's action, a message's direction, ...
    text: str = ""
    ref: int | None = None  # an evidence file's id, when its copy can be opened


@dataclass(frozen=True)
class EvidenceRead:
    case_id: int
    name: str
    copy_file_id: str  # the stripped copy in the case thread


@dataclass(frozen=True)
class CaseRead:
    case_id: int
    reference: str
    status: str
    in_danger: bool
    named: bool
    reporter_user_id: str | None  # only once Show name was clicked
    categories: tuple[str, ...]
    location: str
    texts: tuple[tuple[str, str], ...]  # (block id, text): narrative and the form's fields
    timeline: tuple[Line, ...]
    conversation: tuple[Line, ...]
    evidence: tuple[Line, ...]
    customers: tuple[str, ...]
    accesses: tuple[Line, ...] | None  # desk leads only


@dataclass(frozen=True)
class Refusal:
    key: str  # catalogue key for the clicker


@dataclass(frozen=True)
class ReporterRead:
    case_id: int
    reference: str
    locale: str
    messages: tuple[Line, ...]


LeadIds = Callable[[], Sequence[str]]


class CaseReader:
    def __init__(
        self,
        *,
        sessions: SessionFactory,
        engine: Engine,
        clock: Clock,
        access: AccessGate,
        leads: LeadIds,
    ) -> None:
        self._sessions = sessions
        self._engine = engine
        self._clock = clock
        self._access = access
        self._leads = leads

    def may_open(
        self, session: Session, actor: str, case_id: int, *, staff: bool, lead: bool
    ) -> bool:
        """Whether `actor` may read case `case_id` now (asked in the read's own transaction, so
        a restriction set a moment ago already counts; membership and leadership are asked
        before it, so the transaction never waits on Slack)."""
        return self._access.may_see_as(session, case_id, actor, staff=staff, lead=lead)

    def is_lead(self, actor: str) -> bool:
        try:
            return actor in self._leads()
        except LeadsUnavailable:  # a lead list that cannot be resolved shows no accesses
            log.warning("desk leads could not be resolved for the access list")
            return False

    def open_case(self, actor: str, case_id: int, *, show_name: bool = False) -> CaseRead | Refusal:
        """The case as its modal shows it. The access row (OPEN_CASE or SHOW_NAME) is committed
        first, in a short transaction, then the case is read outside the writers' queue: a read
        is never shown without its record, and twenty clicks at once do not queue behind each
        other's reads. A refused attempt is audited."""
        now = self._clock.now()
        staff, is_lead = self._access.is_staff(actor), self.is_lead(actor)
        with self._sessions.begin() as session:
            case = cases_repo.get(session, case_id)
            allowed = case is not None and self.may_open(
                session, actor, case_id, staff=staff, lead=is_lead
            )
            lead = allowed and is_lead
            if case is None and staff:
                return Refusal("desk.not_found")
            if case is None or not allowed:
                # One row per person, click and case, counted: the desk's refusal rule.
                refusals_repo.record_refusal(
                    session,
                    case_id=case.id if case else None,
                    actor_user_id=actor,
                    action="denied:open_case",
                    now=now,
                )
                log.info("denied open_case on case %s to user %s", case_id, actor)
                return Refusal("desk.denied")
            named = case.identity == "named"
            action = access_log.SHOW_NAME if show_name and named else access_log.OPEN_CASE
            access_log.record_access(
                session, actor_user_id=actor, case_id=case.id, action=action, at=now
            )
        with reading(self._engine) as connection, self._sessions(bind=connection) as session:
            found = cases_repo.get(session, case_id)
            if found is None:  # purged between the two transactions
                return Refusal("desk.not_found")
            return _read(session, found, reveal=show_name and named, lead=lead)

    def open_evidence(self, actor: str, evidence_id: int) -> EvidenceRead | Refusal:
        """The copy of an evidence file in the case thread, for someone who may read its case
        (OPEN_EVIDENCE). A refused attempt is counted by the refusal rule."""
        now = self._clock.now()
        staff, lead = self._access.is_staff(actor), self.is_lead(actor)
        with self._sessions.begin() as session:
            evidence = conversation_repo.evidence(session, evidence_id)
            case_id = evidence.case_id if evidence is not None else None
            allowed = case_id is not None and self.may_open(
                session, actor, case_id, staff=staff, lead=lead
            )
            if evidence is None and staff:
                return Refusal("desk.not_found")
            if evidence is None or case_id is None or not allowed:
                refusals_repo.record_refusal(
                    session,
                    case_id=case_id,
                    actor_user_id=actor,
                    action="denied:open_evidence",
                    now=now,
                )
                log.info("denied open_evidence %s to user %s", evidence_id, actor)
                return Refusal("desk.denied")
            if not evidence.copy_file_id:
                return Refusal("access.evidence.not_copied")
            access_log.record_access(
                session,
                actor_user_id=actor,
                case_id=case_id,
                action=access_log.OPEN_EVIDENCE,
                at=now,
            )
            return EvidenceRead(case_id, evidence.name, evidence.copy_file_id)

    def reporter_messages(self, actor: str, case_id: int) -> ReporterRead | Refusal:
        """The desk's messages to the reporter, for the reporter only (REPORTER_OPEN)."""
        now = self._clock.now()
        with self._sessions.begin() as session:
            case = cases_repo.get(session, case_id)
            if case is None:
                return Refusal("conv.error.gone")
            if case.reporter_user_id != actor:
                cases_repo.record_event(
                    session,
                    case_id=case.id,
                    actor_user_id=actor,
                    action="denied:reporter_open",
                    now=now,
                )
                return Refusal("conv.error.not_yours")
            access_log.record_access(
                session,
                actor_user_id=actor,
                case_id=case.id,
                action=access_log.REPORTER_OPEN,
                at=now,
            )
            lines = tuple(
                Line(m.created_at, None, m.author_kind, "" if m.deleted_at else m.text)
                for m in conversation_repo.messages_of(session, case.id)
            )[-MESSAGES_MAX:]
            return ReporterRead(case.id, case.reference, case.reporter_locale, lines)


def _read(session: Session, case: Case, *, reveal: bool, lead: bool) -> CaseRead:
    texts = [(f.block_id, getattr(case, f.block_id) or "") for f in TEXT_FIELDS]
    events = cases_repo.events(session, case.id)

    def actor(user_id: str) -> str | None:  # the reporter stays "the reporter" until revealed
        return None if user_id == case.reporter_user_id and not reveal else user_id

    timeline = tuple(
        Line(e.created_at, actor(e.actor_user_id), e.action, e.note or "") for e in events
    )
    conversation = tuple(
        Line(
            m.created_at,
            m.desk_author_id if m.author_kind == "desk" else None,
            m.author_kind,
            "" if m.deleted_at else m.text,
        )
        for m in conversation_repo.messages_of(session, case.id)
    )
    evidence = tuple(
        Line(e.created_at, None, e.status, e.name, ref=e.id if e.copy_file_id else None)
        for e in conversation_repo.evidence_of(session, case.id)
    )
    customer = customers_repo.customer_of_case(session, case.id)
    accesses = None
    if lead:
        accesses = tuple(
            Line(a.at, a.actor_user_id, a.action)
            for a in access_repo.for_case(session, case.id, limit=ACCESSES_MAX)
        )
    return CaseRead(
        case_id=case.id,
        reference=case.reference,
        status=case.status,
        in_danger=case.in_danger,
        named=case.identity == "named",
        reporter_user_id=case.reporter_user_id if reveal else None,
        categories=tuple(case.categories or ()),
        location=case.location or "",
        texts=tuple(t for t in texts if t[1].strip()),
        timeline=timeline[-TIMELINE_MAX:],
        conversation=conversation[-MESSAGES_MAX:],
        evidence=evidence,
        customers=(customer.display_name,) if customer else (),
        accesses=accesses,
    )
