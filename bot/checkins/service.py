"""Check-in business logic: schedule at report time, send when due, record answers, desk changes.

The truth lives in `checkins` rows; APScheduler only ticks. Every state change and the Slack side
effects it causes (outbox rows) are written in one transaction, so a crash either loses both or
neither, and the outbox's own exactly-once delivery does the talking to Slack.

Time zones: the report hook runs inside the submission's transaction, where no Slack call belongs,
so it reads the reporter's cached `slack_users` row (opening the report modal has just refreshed it
through `Profiles.get`), falling back to Asia/Tokyo. At send time the tick checks the hour again
with the cached zone as it is then and moves the check-in if the hour is not humane any more (the
bot was down, or the person moved to another zone), instead of sending.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.checkins import ids
from bot.checkins.messages import status_line
from bot.checkins.schedule import (
    DEFAULT_TZ,
    contact_today,
    due_times,
    is_allowed,
    next_allowed,
    zone_for,
)
from bot.clock import Clock
from bot.config import Settings
from bot.report import enqueue_case_update
from storage.db import SessionFactory
from storage.models import Case, CheckIn, CheckInStatus
from storage.repositories import cases as cases_repo
from storage.repositories import checkins as checkins_repo
from storage.repositories import outbox as outbox_repo
from storage.repositories import users as users_repo
from storage.repositories.refusals import record_refusal

log = logging.getLogger(__name__)

SYSTEM_ACTOR = "system"
SNOOZE = {ids.LATER_HOUR: timedelta(hours=1), ids.LATER_TOMORROW: timedelta(days=1)}


@dataclass(frozen=True)
class CheckinPolicy:
    offsets: tuple[timedelta, ...]
    hours: tuple[int, int]
    weekdays: frozenset[int]
    unanswered_alert: timedelta
    lease: timedelta = timedelta(seconds=60)
    default_tz: str = DEFAULT_TZ
    batch_size: int = 100

    @classmethod
    def from_settings(cls, settings: Settings) -> CheckinPolicy:
        return cls(
            offsets=settings.checkin_offsets,
            hours=settings.checkin_hours,
            weekdays=settings.checkin_weekdays,
            unanswered_alert=settings.checkin_unanswered_alert,
            lease=max(settings.outbox_lease, timedelta(seconds=30)),
        )

    def zone(self, tz_name: str | None) -> ZoneInfo:
        return zone_for(tz_name, self.default_tz)

    def shift(self, moment: datetime, zone: ZoneInfo) -> datetime:
        return next_allowed(moment, zone, self.hours, self.weekdays)


def _reporter_zone(session: Session, user_id: str, policy: CheckinPolicy) -> ZoneInfo:
    cached = users_repo.get(session, user_id)
    return policy.zone(cached.tz if cached else None)


def refresh_case_message(session: Session, case: Case, now: datetime, reason: str) -> None:
    """Re-render the desk's case message so its check-in line is current.

    Before the case message exists there is nothing to update: posting it renders the current
    state anyway.
    """
    if not case.desk_message_ts:
        return
    enqueue_case_update(session, case.id, f"case:{case.id}:checkins:{reason}", now)


# --- scheduling ------------------------------------------------------------------------------


def schedule_for_report(session: Session, case: Case, now: datetime, policy: CheckinPolicy) -> int:
    """The report hook: one row per offset, each at a humane hour in the reporter's zone;
    returns how many."""
    if not case.checkins_wanted or not policy.offsets:
        return 0
    zone = _reporter_zone(session, case.reporter_user_id, policy)
    return checkins_repo.add_many(
        session,
        case_id=case.id,
        user_id=case.reporter_user_id,
        due=due_times(now, policy.offsets, zone, policy.hours, policy.weekdays),
        now=now,
    )


# --- the tick --------------------------------------------------------------------------------


@dataclass
class TickStats:
    sent: int = 0
    shifted: int = 0
    flagged: int = 0


def send_due(
    sessions: SessionFactory, clock: Clock, policy: CheckinPolicy, max_batches: int = 50
) -> TickStats:
    """Claim due check-ins batch by batch; each is marked sent and its DM enqueued atomically."""
    stats = TickStats()
    for _ in range(max_batches):
        now = clock.now()
        with sessions.begin() as session:
            claimed = checkins_repo.claim_due(
                session, now=now, lease=policy.lease, limit=policy.batch_size
            )
            rows = checkins_repo.get_many(session, claimed)
            zones = checkins_repo.time_zones(session, {row.user_id for row in rows})
            touched: set[int] = set()
            for row in rows:
                zone = policy.zone(zones.get(row.user_id))
                row.claimed_until = None
                if not is_allowed(now, zone, policy.hours, policy.weekdays):
                    # Came due while the bot was down (or the person moved zone): wait for the
                    # next humane hour instead of sending now.
                    row.due_at = policy.shift(now, zone)
                    stats.shifted += 1
                    continue
                row.status = CheckInStatus.SENT
                row.sent_at = now
                outbox_repo.enqueue(
                    session,
                    kind=ids.SEND,
                    dedupe_key=f"checkin:{row.id}:send:{row.due_at.isoformat()}",
                    case_id=row.case_id,
                    payload={"checkin_id": row.id},
                    now=now,
                )
                touched.add(row.case_id)
                stats.sent += 1
            for case_id in touched:
                case = cases_repo.get(session, case_id)
                if case is not None:
                    refresh_case_message(session, case, now, f"sent:{now.isoformat()}")
        if len(claimed) < policy.batch_size:
            break
    return stats


def flag_unanswered(sessions: SessionFactory, clock: Clock, policy: CheckinPolicy) -> int:
    """Tell the desk, once per check-in, when an in-danger reporter has not answered."""
    now = clock.now()
    with sessions.begin() as session:
        claimed = checkins_repo.claim_unanswered_in_danger(
            session, sent_before=now - policy.unanswered_alert, limit=policy.batch_size
        )
        for row in checkins_repo.get_many(session, claimed):
            outbox_repo.enqueue(
                session,
                kind=ids.UNANSWERED,
                dedupe_key=f"checkin:{row.id}:unanswered",
                case_id=row.case_id,
                payload={"checkin_id": row.id},
                now=now,
            )
            cases_repo.record_event(
                session,
                case_id=row.case_id,
                actor_user_id=SYSTEM_ACTOR,
                action="checkin:unanswered_alert",
                now=now,
                after={"checkin_id": row.id, "sequence": row.sequence},
            )
            case = cases_repo.get(session, row.case_id)
            if case is not None:
                refresh_case_message(session, case, now, f"unanswered:{row.id}")
    return len(claimed)


def tick(sessions: SessionFactory, clock: Clock, policy: CheckinPolicy) -> TickStats:
    stats = send_due(sessions, clock, policy)
    stats.flagged = flag_unanswered(sessions, clock, policy)
    if stats.sent or stats.shifted or stats.flagged:
        log.info(
            "check-ins: %s sent, %s moved to a humane hour, %s flagged",
            stats.sent,
            stats.shifted,
            stats.flagged,
        )
    return stats


# --- the reporter's answer -------------------------------------------------------------------


class Outcome(Enum):
    RECORDED = "recorded"
    NOT_YOURS = "not_yours"
    ALREADY_ANSWERED = "already_answered"
    UNKNOWN = "unknown"


def answer(
    sessions: SessionFactory,
    *,
    checkin_id: int,
    user_id: str,
    response: str,
    now: datetime,
    policy: CheckinPolicy,
) -> Outcome:
    """Record the reporter's answer once, audit it, and enqueue what it sets off."""
    with sessions.begin() as session:
        checkin = checkins_repo.get(session, checkin_id)
        if checkin is None:
            return Outcome.UNKNOWN
        if checkin.user_id != user_id:
            cases_repo.record_event(
                session,
                case_id=checkin.case_id,
                actor_user_id=user_id,
                action="denied:checkin_answer",
                now=now,
                after={"checkin_id": checkin.id, "response": response},
            )
            return Outcome.NOT_YOURS
        case = cases_repo.get(session, checkin.case_id)
        if case is None or not checkins_repo.mark_answered(
            session, checkin.id, response=response, now=now
        ):
            return Outcome.ALREADY_ANSWERED
        zone = _reporter_zone(session, user_id, policy)
        payload: dict[str, object] = {"checkin_id": checkin.id, "answer": response}
        after: dict[str, object] = {
            "status": CheckInStatus.ANSWERED,
            "response": response,
            "checkin_id": checkin.id,
            "sequence": checkin.sequence,
        }
        if response == ids.TALK_ANSWER:
            contact_from = contact_today(now, zone, policy.hours, policy.weekdays)
            payload["contact_from"] = contact_from.isoformat() if contact_from else None
            outbox_repo.enqueue(
                session,
                kind=ids.TALK,
                dedupe_key=f"checkin:{checkin.id}:talk",
                case_id=case.id,
                payload=payload,
                now=now,
            )
        elif response in SNOOZE:
            due = policy.shift(now + SNOOZE[response], zone)
            again = checkins_repo.add(
                session,
                case_id=case.id,
                user_id=user_id,
                sequence=checkin.sequence,
                due_at=due,
                now=now,
            )
            payload["next_due"] = due.isoformat()
            after.update(next_checkin_id=again.id, next_due_at=due.isoformat())
        elif response == ids.STOP:
            after["cancelled"] = checkins_repo.cancel_scheduled(session, case.id)
        cases_repo.record_event(
            session,
            case_id=case.id,
            actor_user_id=user_id,
            action=f"checkin:{response}",
            now=now,
            before={"status": CheckInStatus.SENT, "response": checkin.response},
            after=after,
        )
        outbox_repo.enqueue(
            session,
            kind=ids.ANSWERED,
            dedupe_key=f"checkin:{checkin.id}:answered",
            case_id=case.id,
            payload=payload,
            now=now,
        )
        refresh_case_message(session, case, now, f"answer:{checkin.id}")
    return Outcome.RECORDED


# --- the desk's changes ----------------------------------------------------------------------


@dataclass(frozen=True)
class DeskChange:
    reference: str
    refused: bool = False
    due_at: datetime | None = None
    cancelled: int = 0
    anonymous: bool = True  # the desk sees an anonymous reporter's check-in times as dates only


def reporter_stopped(checkins: list[CheckIn] | tuple[CheckIn, ...]) -> bool:
    return any(c.response == ids.STOP for c in checkins)


def record_denied(
    sessions: SessionFactory, *, case_id: int, actor: str, action: str, now: datetime
) -> None:
    with sessions.begin() as session:
        if cases_repo.get(session, case_id) is None:
            return
        record_refusal(
            session, case_id=case_id, actor_user_id=actor, action=f"denied:{action}", now=now
        )


def schedule_extra(
    sessions: SessionFactory, *, case_id: int, actor: str, now: datetime, policy: CheckinPolicy
) -> DeskChange | None:
    """One more check-in at the reporter's next humane hour, unless they asked for none."""
    with sessions.begin() as session:
        case = cases_repo.get(session, case_id)
        if case is None:
            return None
        existing = list(checkins_repo.for_case(session, case.id))
        if not case.checkins_wanted or reporter_stopped(existing):
            return DeskChange(case.reference, refused=True)
        due = policy.shift(now, _reporter_zone(session, case.reporter_user_id, policy))
        row = checkins_repo.add(
            session,
            case_id=case.id,
            user_id=case.reporter_user_id,
            sequence=checkins_repo.next_sequence(session, case.id),
            due_at=due,
            now=now,
        )
        cases_repo.record_event(
            session,
            case_id=case.id,
            actor_user_id=actor,
            action="checkin:extra_scheduled",
            now=now,
            after={"checkin_id": row.id, "sequence": row.sequence, "due_at": due.isoformat()},
        )
        refresh_case_message(session, case, now, f"extra:{row.id}")
        return DeskChange(case.reference, due_at=due, anonymous=case.identity != "named")


def cancel_remaining(
    sessions: SessionFactory, *, case_id: int, actor: str, now: datetime
) -> DeskChange | None:
    with sessions.begin() as session:
        case = cases_repo.get(session, case_id)
        if case is None:
            return None
        cancelled = checkins_repo.cancel_scheduled(session, case.id)
        event = cases_repo.record_event(
            session,
            case_id=case.id,
            actor_user_id=actor,
            action="checkin:cancelled",
            now=now,
            after={"cancelled": cancelled},
        )
        session.flush()
        refresh_case_message(session, case, now, f"cancel:{event.id}")
        return DeskChange(case.reference, cancelled=cancelled)


# --- what the desk sees ----------------------------------------------------------------------


def checkin_status_line(session: Session, case: Case, locale: str) -> str | None:
    """One mrkdwn line about a case's check-ins for the case message and the App Home, e.g.
    "*Check-ins*: 1 sent (no answer yet) · next <date>"; None when none are planned."""
    return status_line(case, checkins_repo.for_case(session, case.id), locale)


def checkin_home_line(session: Session, case: Case, locale: str, audience: str) -> str | None:
    """The check-in line on the desk's App Home (the reporter has the DMs themselves)."""
    return checkin_status_line(session, case, locale) if audience == "desk" else None
