"""The handling's rules: the four steps, the two-person stop, feedback to the reporter and
cooperation requests. Each call checks that the clicker is desk staff, writes its rows, a
`case_events` audit row and its outbox rows (thread line, case message, App Home) in one
transaction. Free text stays in the handling tables; the audit names what changed, not the text.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, tzinfo
from typing import Any

from sqlalchemy.orm import Session

from bot.clock import Clock
from bot.conversation import queue_to_reporter
from bot.handling import ids
from bot.handling.modals import StepInput
from bot.home import enqueue_home_refreshes
from bot.i18n import t
from bot.report import enqueue_case_update
from bot.restriction import AccessGate
from bot.slack.staff import DeskStaff
from storage.db import SessionFactory
from storage.models import (
    Case,
    CaseCare,
    CaseFacts,
    CaseMeasure,
    CaseStatus,
    CooperationRequest,
    MeasureKind,
    PreventionAction,
    StopRequest,
)
from storage.repositories import cases as cases_repo
from storage.repositories import customers as customers_repo
from storage.repositories import handling as repo
from storage.repositories import outbox as outbox_repo
from storage.repositories.refusals import record_refusal

log = logging.getLogger(__name__)
DENIED_PREFIX = "denied:handling."
NEEDS_CUSTOMER = frozenset({ids.MEASURE, ids.STOP})


@dataclass(frozen=True)
class Opened:
    """The modal may open: the case's reference (nothing else about it)."""

    case_id: int
    reference: str


class HandlingService:
    def __init__(
        self,
        *,
        sessions: SessionFactory,
        clock: Clock,
        staff: DeskStaff,
        access: AccessGate,
        tz: tzinfo,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._staff = staff
        self._access = access
        self._tz = tz

    def today(self) -> date:
        return self._clock.now().astimezone(self._tz).date()

    def authorise(self, actor: str, what: str, case_id: int | None) -> bool:
        """Desk staff who may see the case (`bot.restriction.may_see`: not a restricted case's
        outsider, never a member the reporter excluded); a refusal is audited as
        `denied:handling.<what>`."""
        # Asked before the transaction: it must never wait on Slack or the staff cache.
        staff, lead = self._staff.is_staff(actor), self._access.is_lead(actor)
        with self._sessions.begin() as session:
            known = case_id is not None and cases_repo.get(session, case_id) is not None
            if known and case_id is not None:
                if self._access.may_see_as(session, case_id, actor, staff=staff, lead=lead):
                    return True
            elif staff:
                return True
            record_refusal(
                session,
                case_id=case_id if known else None,
                actor_user_id=actor,
                action=f"{DENIED_PREFIX}{what}",
                now=self._clock.now(),
            )
        log.info("denied handling %s on case %s to user %s", what, case_id, actor)
        return False

    def check(self, actor: str, what: str, case_id: int) -> Opened | str:
        """Before a modal opens: staff, the case exists and takes this step; else a key."""
        if not self.authorise(actor, what, case_id):
            return "desk.denied"
        with self._sessions() as session:
            case = cases_repo.get(session, case_id)
            problem = self._problem(session, case, what)
            if problem is not None or case is None:
                return problem or "desk.not_found"
            return Opened(case.id, case.reference)

    @staticmethod
    def _problem(session: Session, case: Case | None, what: str) -> str | None:
        if case is None:
            return "desk.not_found"
        if case.status == CaseStatus.WITHDRAWN:
            return "handling.refused.withdrawn"
        if what in NEEDS_CUSTOMER and repo.linked_customer(session, case.id) is None:
            return "handling.refused.no_customer"
        return None

    def record(self, actor: str, what: str, case_id: int, step: StepInput) -> str | None:
        """Apply a submitted modal; None when done, else the catalogue key of why not."""
        if not self.authorise(actor, what, case_id):
            return "desk.denied"
        if what == ids.PREVENTION and (step.user is None or not self._staff.is_staff(step.user)):
            return "handling.refused.owner_not_desk"
        staff_members = self._staff.members()
        now = self._clock.now()
        with self._sessions.begin() as session:
            case = cases_repo.get(session, case_id)
            problem = self._problem(session, case, what)
            if problem is not None or case is None:
                return problem or "desk.not_found"
            row_id, detail = WRITERS[what](self, session, case, actor, step, now)
            self._changed(session, case, actor, what, row_id, detail, staff_members, now)
        return None

    def _facts(
        self, session: Session, case: Case, actor: str, step: StepInput, now: datetime
    ) -> tuple[int, dict[str, Any]]:
        row = CaseFacts(
            case_id=case.id,
            confirmed=list(step.lists[ids.CONFIRMED_BLOCK]),
            methods=list(step.lists[ids.METHODS_BLOCK]),
            with_whom=list(step.lists[ids.WITH_WHOM_BLOCK]),
            notes=step.text(ids.NOTES_BLOCK),
            recorded_by=actor,
            recorded_at=now,
        )
        repo.add(session, row)
        return row.id, {"confirmed": row.confirmed, "methods": row.methods, "with": row.with_whom}

    def _care(
        self, session: Session, case: Case, actor: str, step: StepInput, now: datetime
    ) -> tuple[int, dict[str, Any]]:
        row = CaseCare(
            case_id=case.id,
            offered=list(step.lists[ids.OFFERED_BLOCK]),
            accepted=list(step.lists.get(ids.ACCEPTED_BLOCK, ())),
            notes=step.text(ids.NOTES_BLOCK),
            recorded_by=actor,
            recorded_at=now,
        )
        repo.add(session, row)
        return row.id, {"offered": row.offered, "accepted": row.accepted}

    def _measure(
        self, session: Session, case: Case, actor: str, step: StepInput, now: datetime
    ) -> tuple[int, dict[str, Any]]:
        kind = step.choices[ids.KIND_BLOCK]
        return self._register_measure(session, case, actor, kind, now)

    def _register_measure(
        self, session: Session, case: Case, actor: str, kind: str, now: datetime
    ) -> tuple[int, dict[str, Any]]:
        """The register's measure on the case's customer, and the case's link to it."""
        customer_id = repo.linked_customer(session, case.id)
        customer = customers_repo.get(session, customer_id) if customer_id else None
        measure_id: int | None = None
        if customer is not None:
            measure = customers_repo.add_measure(
                session,
                customer,
                kind=kind,
                starts_on=self.today(),
                ends_on=None,
                actor=actor,
                now=now,
            )
            measure_id = measure.id
            customers_repo.audit(
                session,
                customer_id=customer.id,
                actor=actor,
                action="measure",
                now=now,
                detail={"kind": kind, "from": self.today().isoformat(), "case": case.reference},
            )
        row = CaseMeasure(
            case_id=case.id, measure_id=measure_id, kind=kind, recorded_by=actor, recorded_at=now
        )
        repo.add(session, row)
        return row.id, {"kind": kind, "measure_id": measure_id}

    def _prevention(
        self, session: Session, case: Case, actor: str, step: StepInput, now: datetime
    ) -> tuple[int, dict[str, Any]]:
        due_day = step.day or self.today()
        # Due at the start of the chosen day, desk time: the reminder comes that morning.
        due_at = datetime.combine(due_day, time(0), tzinfo=self._tz)
        row = PreventionAction(
            case_id=case.id,
            text=step.text(ids.TEXT_BLOCK),
            owner_user_id=step.user or actor,
            due_at=due_at,
            created_by=actor,
            created_at=now,
        )
        repo.add(session, row)
        return row.id, {"owner": row.owner_user_id, "due": due_day.isoformat()}

    def _feedback(
        self, session: Session, case: Case, actor: str, step: StepInput, now: datetime
    ) -> tuple[int, dict[str, Any]]:
        heading = t("handling.feedback.heading", case.reporter_locale, reference=case.reference)
        text = f"{heading}\n{step.text(ids.TEXT_BLOCK)}"
        message = queue_to_reporter(
            session, case, actor, text, signed=False, now=now, kind=repo.FEEDBACK_KIND
        )
        return message.id, {"message_id": message.id}

    def _cooperation(
        self, session: Session, case: Case, actor: str, step: StepInput, now: datetime
    ) -> tuple[int, dict[str, Any]]:
        row = CooperationRequest(
            case_id=case.id,
            customer_id=repo.linked_customer(session, case.id),
            direction=step.choices[ids.DIRECTION_BLOCK],
            company=step.text(ids.COMPANY_BLOCK),
            requested_on=step.day or self.today(),
            asked=step.text(ids.ASKED_BLOCK),
            answered=step.text(ids.ANSWERED_BLOCK),
            recorded_by=actor,
            recorded_at=now,
        )
        repo.add(session, row)
        return row.id, {"direction": row.direction, "on": row.requested_on.isoformat()}

    def _changed(
        self,
        session: Session,
        case: Case,
        actor: str,
        what: str,
        row_id: int,
        detail: dict[str, Any],
        staff_members: frozenset[str],
        now: datetime,
    ) -> None:
        event = cases_repo.record_event(
            session,
            case_id=case.id,
            actor_user_id=actor,
            action=f"handling.{what}",
            now=now,
            after={"id": row_id, **detail},
        )
        session.flush()
        key = f"case:{case.id}:handling:{event.id}"
        if what != ids.FEEDBACK:  # the conversation copies the feedback into the thread itself
            outbox_repo.enqueue(
                session,
                kind=ids.THREAD_LINE,
                dedupe_key=f"{key}:line",
                case_id=case.id,
                payload={"what": what, "row_id": row_id, "actor": actor},
                now=now,
            )
        enqueue_case_update(session, case.id, f"{key}:desk_update", now)
        enqueue_home_refreshes(
            session,
            change_key=key,
            reporter_user_id=None,
            staff_members=staff_members,
            now=now,
        )

    # ----------------------------------------------------------------- two-person stop
    def stop(self, actor: str, case_id: int) -> str:
        """First click asks, a second desk member's click confirms; the answer's catalogue key."""
        if not self.authorise(actor, ids.STOP, case_id):
            return "desk.denied"
        staff_members = self._staff.members()
        now = self._clock.now()
        with self._sessions.begin() as session:
            case = cases_repo.get(session, case_id)
            problem = self._problem(session, case, ids.STOP)
            customer_id = repo.linked_customer(session, case_id)
            if problem is not None or case is None or customer_id is None:
                return problem or "desk.not_found"
            if repo.stopped(session, case.id):
                return "handling.stop.already"
            pending = repo.pending_stop(session, case.id)
            if pending is None:
                request = repo.add(
                    session,
                    StopRequest(
                        case_id=case.id,
                        customer_id=customer_id,
                        requested_by=actor,
                        requested_at=now,
                    ),
                )
                self._changed(
                    session, case, actor, "stop_asked", request.id, {}, staff_members, now
                )
                return "handling.stop.asked"
            if pending.requested_by == actor:
                cases_repo.record_event(
                    session,
                    case_id=case.id,
                    actor_user_id=actor,
                    action="handling.stop_refused_same_person",
                    now=now,
                    after={"id": pending.id},
                )
                return "handling.stop.same_person"
            if not repo.confirm_stop(session, pending.id, actor, now):
                return "handling.stop.already"
            _, detail = self._register_measure(
                session, case, actor, MeasureKind.SERVICE_REFUSED, now
            )
            pending.measure_id = detail["measure_id"]
            detail["asked_by"] = pending.requested_by
            self._changed(
                session, case, actor, "stop_confirmed", pending.id, detail, staff_members, now
            )
            return "handling.stop.confirmed"

    # ----------------------------------------------------------------- prevention done
    def done(self, actor: str, action_id: int) -> str:
        with self._sessions() as session:
            found = repo.prevention_action(session, action_id)
            case_id = found.case_id if found is not None else None
        if not self.authorise(actor, "prevention_done", case_id):
            return "desk.denied"
        staff_members = self._staff.members()
        now = self._clock.now()
        with self._sessions.begin() as session:
            action = repo.prevention_action(session, action_id)
            case = cases_repo.get(session, action.case_id) if action else None
            if action is None or case is None:
                return "desk.not_found"
            if not repo.mark_done(session, action.id, actor, now):
                return "handling.done.already"
            self._changed(
                session, case, actor, "prevention_done", action.id, {}, staff_members, now
            )
            return "handling.done.ok"


Writer = Callable[
    [HandlingService, Session, Case, str, StepInput, datetime], tuple[int, dict[str, Any]]
]
WRITERS: dict[str, Writer] = {
    ids.FACTS: HandlingService._facts,
    ids.CARE: HandlingService._care,
    ids.MEASURE: HandlingService._measure,
    ids.PREVENTION: HandlingService._prevention,
    ids.FEEDBACK: HandlingService._feedback,
    ids.COOPERATION: HandlingService._cooperation,
}
