"""Requests for access to a restricted case, and the reporter's exclusions.

Every step is one transaction: the change, its audit row and its outbox rows (the lead's DM,
the asker's answer, the case message's re-render). Refusals go through the refusal path every
desk click uses (`storage.repositories.refusals.record_refusal`: one audited row per person,
action and case, with a count).
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from bot import bounds
from bot.clock import Clock
from bot.home import enqueue_home_refreshes
from bot.report import enqueue_case_update
from bot.restriction import ids
from bot.restriction.access import AccessGate
from storage.db import SessionFactory
from storage.models import AccessRequest, AccessRequestStatus, Case
from storage.repositories import cases as cases_repo
from storage.repositories import outbox as outbox_repo
from storage.repositories import restriction as repo
from storage.repositories.refusals import record_refusal

log = logging.getLogger(__name__)
EXCLUSIONS_MAX = 10  # the form's multi_users_select allows this many


class RestrictionService:
    def __init__(self, *, sessions: SessionFactory, clock: Clock, access: AccessGate) -> None:
        self._sessions = sessions
        self._clock = clock
        self._access = access

    def ask(self, user_id: str, raw: object) -> str:
        """*Ask for access*: the catalogue key of the private answer to the asker."""
        case_id = bounds.parse_id(raw) if isinstance(raw, str) else None
        now = self._clock.now()
        with self._sessions.begin() as session:
            case = cases_repo.get(session, case_id) if case_id is not None else None
            if case is None:
                self._refuse(session, None, user_id, ids.DENIED_ASK, now)
                return "desk.not_found" if case_id is not None else "desk.bad_button"
            access = self._access.access(session, case.id)
            staff = self._access.is_staff(user_id) or self._access.is_lead(user_id)
            if user_id in access.excluded or not staff:
                self._refuse(session, case.id, user_id, ids.DENIED_ASK, now)
                return "restriction.ask.refused"
            if self._access.allows(access, user_id):
                return "restriction.ask.already"
            if repo.pending_request(session, case.id, user_id) is not None:
                return "restriction.ask.pending"
            leads = [lead for lead in self._access.lead_ids() if lead not in access.excluded]
            if not leads:
                return "restriction.ask.no_leads"
            request = repo.add_request(session, case.id, user_id, now)
            cases_repo.record_event(
                session,
                case_id=case.id,
                actor_user_id=user_id,
                action=ids.AUDIT_REQUESTED,
                now=now,
                after={"request_id": request.id},
            )
            for lead in leads:
                outbox_repo.enqueue(
                    session,
                    kind=ids.LEAD_REQUEST,
                    dedupe_key=f"access:{request.id}:lead:{lead}",
                    case_id=case.id,
                    payload={"request_id": request.id, "user_id": lead},
                    now=now,
                )
            return "restriction.ask.sent"

    def decide(self, user_id: str, approve: bool, raw: object) -> str:
        """A lead's *Approve* / *Decline*: the catalogue key of the private answer to the lead."""
        request_id = bounds.parse_id(raw) if isinstance(raw, str) else None
        now = self._clock.now()
        action = ids.AUDIT_APPROVED if approve else ids.AUDIT_DECLINED
        with self._sessions.begin() as session:
            request = session.get(AccessRequest, request_id) if request_id is not None else None
            case_id = request.case_id if request is not None else None
            excluded = (
                case_id is not None and user_id in self._access.access(session, case_id).excluded
            )
            if request is None or not self._access.is_lead(user_id) or excluded:
                self._refuse(session, case_id, user_id, ids.DENIED_DECIDE, now)
                return "restriction.decide.refused"
            status = AccessRequestStatus.APPROVED if approve else AccessRequestStatus.DECLINED
            if not repo.decide(session, request.id, status=status, by=user_id, now=now):
                return "restriction.decide.already"
            if approve:
                repo.add_handler(session, request.case_id, request.user_id, now)
            event = cases_repo.record_event(
                session,
                case_id=request.case_id,
                actor_user_id=user_id,
                action=action,
                now=now,
                after={"request_id": request.id, "user_id": request.user_id},
            )
            session.flush()
            outbox_repo.enqueue(
                session,
                kind=ids.REQUESTER_ANSWER,
                dedupe_key=f"access:{request.id}:answer",
                case_id=request.case_id,
                payload={"request_id": request.id, "approved": approve},
                now=now,
            )
            if approve:
                self._refresh(session, request.case_id, request.user_id, event.id, now)
            return "restriction.decide.approved" if approve else "restriction.decide.declined"

    @staticmethod
    def _refresh(
        session: Session, case_id: int, user_id: str, event_id: int, now: datetime
    ) -> None:
        """The notice names the new handler; their App Home now lists the case."""
        enqueue_case_update(session, case_id, f"case:{case_id}:access:{event_id}", now)
        enqueue_home_refreshes(
            session,
            change_key=f"event:{event_id}",
            reporter_user_id=None,
            staff_members=frozenset({user_id}),
            now=now,
        )

    @staticmethod
    def _refuse(
        session: Session, case_id: int | None, user_id: str, action: str, now: datetime
    ) -> None:
        record_refusal(session, case_id=case_id, actor_user_id=user_id, action=action, now=now)
        log.info("refused %s on case %s to %s", action, case_id, user_id)


def store_exclusions(
    session: Session,
    case: Case,
    excluded: Sequence[str],
    now: datetime,
    *,
    members: Collection[str] | None,
    leads: Collection[str],
) -> None:
    """The reporter's exclusions, in the report's transaction. When they name every desk member
    or every lead, each lead is told (by reference only) and decides what happens next."""
    people = sorted(set(excluded))[:EXCLUSIONS_MAX]
    if not people:
        return
    repo.exclude(session, case.id, people)
    reason = None
    if leads and set(leads) <= set(people):
        reason = "every_lead"
    if members and set(members) <= set(people):
        reason = "every_member"
    if reason is None:
        return
    cases_repo.record_event(
        session,
        case_id=case.id,
        actor_user_id="system",
        action=ids.AUDIT_EXCLUSIONS,
        now=now,
        after={"reason": reason},
    )
    for lead in leads:
        outbox_repo.enqueue(
            session,
            kind=ids.LEADS_TOLD,
            dedupe_key=f"case:{case.id}:leads_told:{lead}",
            case_id=case.id,
            payload={"user_id": lead, "reason": reason},
            now=now,
        )
