"""The handling's scheduled work: prevention actions that fell due, and answers owed to the
reporter that are about to fall due. Each reminder is claimed once in the database (a
conditional UPDATE of `reminded_at`, or the insert of an `answer_reminders` row), so two
replicas or a restart never send it twice; the outbox rows are written in the same transaction.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from bot.clock import Clock
from bot.handling import ids
from bot.home import enqueue_home_refreshes
from bot.slack.staff import DeskStaff
from storage.db import SessionFactory
from storage.repositories import cases as cases_repo
from storage.repositories import handling as repo
from storage.repositories import outbox as outbox_repo

log = logging.getLogger(__name__)

BATCH = 50
# The desk hears of an answer owed to the reporter when three quarters of its time has passed
# (ACK_TO_REPORTER 7d: after 5¼ days; FEEDBACK_DUE 90d: after 67½ days).
REMIND_AT = 0.75


class HandlingReminders:
    def __init__(
        self,
        *,
        sessions: SessionFactory,
        clock: Clock,
        staff: DeskStaff,
        ack_due: timedelta,
        feedback_due: timedelta,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._staff = staff
        self._due = {"ack": ack_due, "feedback": feedback_due}

    def run(self) -> int:
        """One tick: every reminder that came due. Returns how many were queued."""
        now = self._clock.now()
        return self._prevention(now) + sum(self._answers(kind, now) for kind in self._due)

    def _prevention(self, now: datetime) -> int:
        with self._sessions.begin() as session:
            claimed = repo.claim_due_prevention(session, now=now, limit=BATCH)
            for action_id in claimed:
                action = repo.prevention_action(session, action_id)
                if action is None:
                    continue
                key = f"prevention:{action_id}:due"
                for kind, payload in (
                    (ids.PREVENTION_DUE, {"action_id": action_id}),
                    (ids.PREVENTION_DM, {"action_id": action_id, "user_id": action.owner_user_id}),
                ):
                    outbox_repo.enqueue(
                        session,
                        kind=kind,
                        dedupe_key=f"{key}:{kind}",
                        case_id=action.case_id,
                        payload=payload,
                        now=now,
                    )
                cases_repo.record_event(
                    session,
                    case_id=action.case_id,
                    actor_user_id="system",
                    action="handling.prevention_reminded",
                    now=now,
                    after={"id": action_id, "owner": action.owner_user_id},
                )
        if claimed:
            log.info("%d prevention reminders queued", len(claimed))
        return len(claimed)

    def _answers(self, kind: str, now: datetime) -> int:
        span = self._due[kind]
        reminded = 0
        # Before the answer falls due only: a case already past it (the app was down for long,
        # or this feature is new to an old database) shows "overdue" on its message instead of
        # a late reminder.
        window = {"reported_before": now - span * REMIND_AT, "reported_after": now - span}
        with self._sessions() as session:
            if not repo.answer_due(session, kind, limit=1, **window):
                return 0  # nothing due: Slack is not asked for the desk's members every tick
        members = self._staff.members()  # before the transaction: it may ask Slack
        with self._sessions.begin() as session:
            due_ids = repo.answer_due(session, kind, limit=BATCH, **window)
            for case_id in due_ids:
                case = cases_repo.get(session, case_id)
                if case is None or not repo.remind_once(session, case_id, kind, now):
                    continue
                outbox_repo.enqueue(
                    session,
                    kind=ids.ANSWER_DUE,
                    dedupe_key=f"case:{case_id}:answer_due:{kind}",
                    case_id=case_id,
                    payload={"kind": kind, "due": (case.created_at + span).isoformat()},
                    now=now,
                )
                cases_repo.record_event(
                    session,
                    case_id=case_id,
                    actor_user_id="system",
                    action=f"handling.{kind}_reminded",
                    now=now,
                )
                reminded += 1
            if reminded:
                enqueue_home_refreshes(
                    session,
                    change_key=f"answers:{kind}:{now.isoformat()}",
                    reporter_user_id=None,
                    staff_members=members,
                    now=now,
                )
        return reminded
