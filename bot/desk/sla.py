"""SLA timers for unacknowledged cases, kept in the database (Case.sla_stage / sla_due_at).

Stage 0 → 1 at ACK_SLA (a shorter share for in-danger cases, set at report time): the desk is
re-pinged in the case thread with the desk mention. Stage 1 → 2 at twice that: each desk lead
gets a DM (or, with no DESK_LEADS, the desk is pinged again and told no leads are configured).
Each step is claimed atomically (`claim_rows` with a lease), so replicas and restarts fire it
exactly once, and outbox dedupe keys per stage make a repeated step send nothing twice. Taking
the case up (acknowledge, assign, escalate) clears `sla_due_at`, which stops the timer.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from bot.clock import Clock
from bot.desk.ids import LEAD_DM, SLA_POST
from bot.desk.leads import DeskLeads, LeadsUnavailable
from bot.desk.service import SYSTEM_ACTOR
from bot.home import enqueue_home_refreshes
from bot.report import enqueue_case_update
from bot.slack.staff import DeskStaff
from storage.db import SessionFactory
from storage.models import CaseStatus
from storage.repositories import cases as cases_repo
from storage.repositories import desk as desk_repo
from storage.repositories import outbox as outbox_repo

log = logging.getLogger(__name__)

BATCH = 50


class SlaMonitor:
    def __init__(
        self,
        *,
        sessions: SessionFactory,
        clock: Clock,
        leads: DeskLeads,
        staff: DeskStaff,
        lease: timedelta,
        locale_of: Callable[[str], str],
        kick: Callable[[], None] = lambda: None,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._leads = leads
        self._staff = staff
        self._lease = lease
        self._locale_of = locale_of
        self._kick = kick

    def run(self) -> int:
        """One tick: fire every SLA step that is due. Returns how many fired."""
        now = self._clock.now()
        with self._sessions.begin() as session:
            claimed = desk_repo.claim_due_sla(session, now=now, lease=self._lease, limit=BATCH)
        fired = sum(1 for case_id in claimed if self._fire(case_id, now))
        if fired:
            self._kick()
        return fired

    def _fire(self, case_id: int, now: datetime) -> bool:
        with self._sessions() as session:
            case = cases_repo.get(session, case_id)
            stage = case.sla_stage if case is not None else None
        leads: tuple[str, ...] = ()
        if stage == 1 and self._leads.configured:
            try:
                leads = self._leads.user_ids()
            except LeadsUnavailable:
                return False  # the claim lapses after the lease and the next tick tries again
        # Looked up before the transaction: users.info may write the profile cache.
        locales = {lead: self._locale_of(lead) for lead in leads}
        staff_members = self._staff.members()
        with self._sessions.begin() as session:
            case = cases_repo.get(session, case_id)
            if case is None or case.sla_stage != stage:
                return False
            due = case.sla_due_at
            if case.status != CaseStatus.NEW or due is None:
                case.sla_due_at = case.sla_claimed_until = None
                return False
            elapsed = int((due - case.created_at).total_seconds())
            next_stage = case.sla_stage + 1
            key = f"case:{case.id}:sla:{next_stage}"
            payload = {"stage": next_stage, "elapsed_seconds": elapsed, "leads": bool(leads)}
            outbox_repo.enqueue(
                session, kind=SLA_POST, dedupe_key=key, case_id=case.id, payload=payload, now=now
            )
            for lead in leads:
                outbox_repo.enqueue(
                    session,
                    kind=LEAD_DM,
                    dedupe_key=f"{key}:lead:{lead}",
                    case_id=case.id,
                    payload={"user_id": lead, "elapsed_seconds": elapsed, "locale": locales[lead]},
                    now=now,
                )
            enqueue_case_update(session, case.id, f"{key}:desk_update", now)
            action = "sla:reping" if next_stage == 1 else ("sla:leads" if leads else "sla:no_leads")
            cases_repo.record_event(
                session,
                case_id=case.id,
                actor_user_id=SYSTEM_ACTOR,
                action=action,
                now=now,
                before={"sla_stage": case.sla_stage},
                after={"sla_stage": next_stage, "leads": list(leads)},
            )
            case.sla_stage = next_stage
            # The next step comes as long after this one as this one came after the report.
            case.sla_due_at = due + (due - case.created_at) if next_stage < 2 else None
            case.sla_claimed_until = None
            enqueue_home_refreshes(
                session,
                change_key=key,
                reporter_user_id=None,
                staff_members=staff_members,
                now=now,
            )
        log.info("case %s: SLA stage %s fired", case_id, next_stage)
        return True
