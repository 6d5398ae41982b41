"""Desk actions on a case: authorised on every call, applied with optimistic concurrency, audited.

One transaction per action writes the new state (a conditional UPDATE on the case's version), the
audit event with before/after, and the outbox rows: the case message re-render, the thread's
timeline line, the reporter's milestone DMs and the App Home refreshes.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot import bounds
from bot.clock import Clock
from bot.desk.ids import REPORTER_UPDATE, TIMELINE
from bot.desk.states import (
    LEAD_ACTIONS,
    Action,
    Refusal,
    TransitionRefused,
    changes_state,
    leaves_new,
    next_status,
    reporter_milestones,
)
from bot.handling import POLICE_FLOW, SURVEY_DM
from bot.home import enqueue_home_refreshes
from bot.report import enqueue_case_update
from bot.restriction import AccessGate
from bot.slack.staff import DeskStaff
from storage.db import SessionFactory
from storage.models import Case
from storage.repositories import cases as cases_repo
from storage.repositories import desk as desk_repo
from storage.repositories import handling as handling_repo
from storage.repositories import outbox as outbox_repo
from storage.repositories import restriction as restriction_repo
from storage.repositories.refusals import record_refusal

log = logging.getLogger(__name__)

SYSTEM_ACTOR = "system"
DENIED_PREFIX = "denied:"
STATE_ACTIONS = frozenset(action.value for action in Action if changes_state(action))


@dataclass(frozen=True)
class DeskRequest:
    actor: str
    action: Action
    case_id: int
    version: int
    assignee: str | None = None
    escalated_to: str | None = None
    outcome: str | None = None
    note: str | None = None
    handlers: tuple[str, ...] = ()


@dataclass(frozen=True)
class Applied:
    reference: str
    status: str
    event_id: int


@dataclass(frozen=True)
class Denied:
    """The actor is not desk staff: nothing changed, the attempt is audited."""


@dataclass(frozen=True)
class Restricted:
    """The actor may not see this case (restricted to others, or kept from them by the
    reporter): nothing changed, the attempt is audited. The answer does not say which."""


@dataclass(frozen=True)
class LeadsOnly:
    """Restricting a case (or lifting it) is for desk leads."""


@dataclass(frozen=True)
class NotFound:
    pass


@dataclass(frozen=True)
class Conflict:
    """Someone changed the case since the clicked message was rendered."""

    status: str
    by: str | None
    action: str | None


@dataclass(frozen=True)
class Refused:
    refusal: Refusal


@dataclass(frozen=True)
class Allowed:
    """The action may go ahead (used before opening a modal); `case` is a detached snapshot."""

    reference: str
    status: str
    police_consent: bool
    assignee_user_id: str | None
    handlers: tuple[str, ...] = ()


Outcome = Applied | Denied | Restricted | LeadsOnly | NotFound | Conflict | Refused
AccessRefusal = Denied | Restricted | LeadsOnly


def parse_button_value(raw: object) -> tuple[int, int] | None:
    """`"<case_id>:<version>"` -> (case_id, version); anything else -> None."""
    if not isinstance(raw, str):
        return None
    case_part, _, version_part = raw.partition(":")
    case_id, version = bounds.parse_id(case_part), bounds.parse_count(version_part)
    if case_id is None or version is None:
        return None
    return case_id, version


def button_value(case: Case) -> str:
    return f"{case.id}:{case.version}"


def snapshot(case: Case) -> dict[str, Any]:
    return {
        "status": case.status,
        "version": case.version,
        "assignee_user_id": case.assignee_user_id,
        "escalated_to": case.escalated_to,
        "resolution": case.resolution,
    }


class DeskService:
    def __init__(
        self, *, sessions: SessionFactory, clock: Clock, staff: DeskStaff, access: AccessGate
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._staff = staff
        self._access = access

    def is_lead(self, actor: str) -> bool:
        """A desk lead (DESK_LEADS, groups expanded); leads that cannot be resolved count as
        none (fail closed: closing with open prevention actions is then refused)."""
        return self._access.is_lead(actor)

    def read_click(self, actor: str, action: Action, raw: object) -> tuple[int, int] | str:
        """A button's (case_id, version), or the catalogue key of why the click cannot count:
        an unreadable value from a member is a bad button, from anyone else a refusal."""
        parsed = parse_button_value(raw)
        if parsed is not None:
            return parsed
        return "desk.bad_button" if self.authorise(actor, action, None) else "desk.denied"

    def authorise(self, actor: str, action: Action | str, case_id: int | None) -> bool:
        return self.admit(actor, action, case_id) is None

    def admit(self, actor: str, action: Action | str, case_id: int | None) -> AccessRefusal | None:
        """May `actor` take `action` on the case now? None when yes; else why not.

        The one check of every desk click and modal submit, asked at that moment: desk staff
        (the briefly cached channel membership), leads for restricting, and `AccessGate.may_see`
        for the case itself (a restriction set while a modal was open refuses its submit). A
        refusal is audited as `denied:<action>`; the caller tells the person politely.
        """
        name = action.value if isinstance(action, Action) else action
        refusal: AccessRefusal | None = None
        # Asked before the transaction: it must never wait on Slack or the staff cache.
        staff, lead = self._staff.is_staff(actor), self._access.is_lead(actor)
        if not staff:
            refusal = Denied()
        elif action in LEAD_ACTIONS and not lead:
            refusal = LeadsOnly()
        if refusal is None and case_id is None:
            return None
        now = self._clock.now()
        with self._sessions.begin() as session:
            known = case_id is not None and cases_repo.get(session, case_id) is not None
            if refusal is None and known and case_id is not None:
                if self._access.may_see_as(session, case_id, actor, staff=staff, lead=lead):
                    return None
                refusal = Restricted()
            if refusal is None:
                return None  # no such case: the caller says so
            record_refusal(
                session,
                case_id=case_id if known else None,
                actor_user_id=actor,
                action=f"{DENIED_PREFIX}{name}",
                now=now,
            )
        log.info("refused %s on case %s to %s: %s", name, case_id, actor, type(refusal).__name__)
        return refusal

    def check(self, actor: str, action: Action, case_id: int, version: int) -> Allowed | Outcome:
        """Before opening a modal: is the actor staff, is the case current, does it apply?"""
        refusal = self.admit(actor, action, case_id)
        if refusal is not None:
            return refusal
        with self._sessions() as session:
            case = cases_repo.get(session, case_id)
            if case is None:
                return NotFound()
            problem = self._problem(session, case, action, version) or self._closing(
                session, case, action, lead=self.is_lead(actor), note="-"
            )
            if problem is not None:
                return problem
            return Allowed(
                reference=case.reference,
                status=case.status,
                police_consent=case.police_consent,
                assignee_user_id=case.assignee_user_id,
                handlers=tuple(sorted(restriction_repo.handlers_of(session, [case.id])[case.id])),
            )

    def apply(self, request: DeskRequest) -> Outcome:
        refusal = self.admit(request.actor, request.action, request.case_id)
        if refusal is not None:
            return refusal
        staff_members = self._staff.members()
        lead = request.action is Action.RESOLVE and self.is_lead(request.actor)
        now = self._clock.now()
        with self._sessions.begin() as session:
            case = cases_repo.get(session, request.case_id)
            if case is None:
                return NotFound()
            problem = self._problem(session, case, request.action, request.version)
            problem = problem or self._closing(
                session, case, request.action, lead=lead, note=request.note
            )
            if problem is not None:
                return problem
            before = snapshot(case)
            if request.action is Action.RESOLVE:
                before["prevention_open"] = handling_repo.open_prevention_count(session, case.id)
            if changes_state(request.action):
                after_status = next_status(case.status, request.action)
                values = self._values(case, request, after_status, now)
                if not desk_repo.update_if_version(session, case.id, request.version, values):
                    # Lost the race between our read and our write (PostgreSQL).
                    session.expire(case)
                    return self._conflict(session, case)
            else:
                after_status = case.status
                desk_repo.touch(session, case.id, now)
            session.refresh(case)
            after = snapshot(case)
            if request.action is Action.RESTRICT:
                restriction_repo.restrict(
                    session, case.id, by=request.actor, handlers=request.handlers, now=now
                )
                after["handlers"] = list(request.handlers)
            elif request.action is Action.UNRESTRICT:
                restriction_repo.lift(session, case.id)
            event = cases_repo.record_event(
                session,
                case_id=case.id,
                actor_user_id=request.actor,
                action=request.action.value,
                now=now,
                before=before,
                after=after,
                note=request.note or None,
            )
            session.flush()
            milestones = reporter_milestones(
                request.action,
                str(before["status"]),
                after_status,
                escalated_to=case.escalated_to,
                police_consent=case.police_consent,
            )
            self._enqueue_effects(session, case, event.id, milestones, staff_members, now)
            self._enqueue_handling(session, case, request.action, now)
            return Applied(reference=case.reference, status=case.status, event_id=event.id)

    def _problem(
        self, session: Session, case: Case, action: Action, version: int
    ) -> Conflict | Refused | None:
        if changes_state(action) and case.version != version:
            return self._conflict(session, case)
        try:
            next_status(case.status, action)
        except TransitionRefused as refused:
            return Refused(refused.refusal)
        return None

    @staticmethod
    def _closing(
        session: Session, case: Case, action: Action, *, lead: bool, note: str | None
    ) -> Refused | None:
        """A case with an open prevention action closes only by a lead who says why (the
        resolve note; the override is in the audit row's `before.prevention_open`)."""
        if action is not Action.RESOLVE:
            return None
        if not handling_repo.open_prevention_count(session, case.id):
            return None
        if not lead:
            return Refused(Refusal("desk.refused.prevention_open", case.status))
        if not note:
            return Refused(Refusal("desk.refused.prevention_reason", case.status))
        return None

    def _conflict(self, session: Session, case: Case) -> Conflict:
        session.refresh(case)
        for event in desk_repo.recent_events(session, case.id):
            if event.action in STATE_ACTIONS:
                return Conflict(status=case.status, by=event.actor_user_id, action=event.action)
        return Conflict(status=case.status, by=None, action=None)

    @staticmethod
    def _values(case: Case, request: DeskRequest, after: str, now: datetime) -> dict[str, Any]:
        values: dict[str, Any] = {"status": after, "updated_at": now}
        if leaves_new(case.status, after):
            # Taken up: the SLA timer stops, and whoever took it owns it until reassigned.
            values.update(acknowledged_at=now, sla_due_at=None, sla_claimed_until=None)
            values["assignee_user_id"] = case.assignee_user_id or request.actor
        if request.action is Action.ASSIGN:
            values["assignee_user_id"] = request.assignee
        elif request.action is Action.ESCALATE:
            values["escalated_to"] = request.escalated_to
        elif request.action is Action.RESOLVE:
            values.update(resolution=request.outcome, resolved_at=now)
        elif request.action is Action.REOPEN:
            values.update(resolution=None, resolved_at=None)
        return values

    @staticmethod
    def _enqueue_handling(session: Session, case: Case, action: Action, now: datetime) -> None:
        """The police checklist in the thread on the first escalation to the police; the
        closing survey to the reporter on the first resolve (each once per case)."""
        key = f"case:{case.id}"
        if action is Action.ESCALATE and case.escalated_to == "police":
            outbox_repo.enqueue(
                session, kind=POLICE_FLOW, dedupe_key=f"{key}:police_flow", case_id=case.id, now=now
            )
        if action is Action.RESOLVE:
            outbox_repo.enqueue(
                session, kind=SURVEY_DM, dedupe_key=f"{key}:survey", case_id=case.id, now=now
            )

    @staticmethod
    def _enqueue_effects(
        session: Session,
        case: Case,
        event_id: int,
        milestones: tuple[str, ...],
        staff_members: frozenset[str],
        now: datetime,
    ) -> None:
        key = f"case:{case.id}"
        enqueue_case_update(session, case.id, f"{key}:desk_update:{event_id}", now)
        outbox_repo.enqueue(
            session,
            kind=TIMELINE,
            dedupe_key=f"{key}:timeline:{event_id}",
            case_id=case.id,
            payload={"event_id": event_id, "reporter_told": bool(milestones)},
            now=now,
        )
        for milestone in milestones:
            outbox_repo.enqueue(
                session,
                kind=REPORTER_UPDATE,
                dedupe_key=f"{key}:reporter:{milestone}:{event_id}",
                case_id=case.id,
                payload={"milestone": milestone, "event_id": event_id},
                now=now,
            )
        enqueue_home_refreshes(
            session,
            change_key=f"event:{event_id}",
            reporter_user_id=case.reporter_user_id,
            staff_members=staff_members,
            now=now,
        )
