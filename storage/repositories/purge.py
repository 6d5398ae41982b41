"""What the retention purge finds and deletes: cases past retention and every row naming them."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, delete, exists, func, or_, select
from sqlalchemy.orm import Session

from storage.encryption import CASE, shred
from storage.models import (
    AccessRequest,
    AwarenessRead,
    Case,
    CaseEvent,
    CaseExclusion,
    CaseHandler,
    CaseMessage,
    CaseRestriction,
    CheckIn,
    CheckInStatus,
    CustomerAudit,
    HomeViewer,
    OutboxMessage,
    OutboxStatus,
    SlackUser,
    UrgentPing,
)


@dataclass
class SlackRefs:
    """The bot's Slack messages for one case: the desk message last (its thread goes first)."""

    case_id: int
    reporter_user_id: str
    desk: tuple[str, str] | None
    others: list[tuple[str, str]] = field(default_factory=list)


def expired_case_ids(session: Session, *, cutoff: datetime, limit: int) -> list[int]:
    """Cases whose last activity (the case row, its audit trail, its conversation, its
    check-ins) is older than
    `cutoff`, whatever their status, unless a legal hold is set."""
    recent_event = exists().where(CaseEvent.case_id == Case.id, CaseEvent.created_at >= cutoff)
    recent_message = exists().where(
        CaseMessage.case_id == Case.id, CaseMessage.created_at >= cutoff
    )
    # A cancelled check-in (a withdrawn or stopped case) will never be sent: its due time is
    # no activity, or a withdrawal would keep the case for up to the last offset more.
    recent_checkin = exists().where(
        CheckIn.case_id == Case.id,
        or_(
            and_(CheckIn.due_at >= cutoff, CheckIn.status != CheckInStatus.CANCELLED),
            CheckIn.sent_at >= cutoff,
            CheckIn.responded_at >= cutoff,
        ),
    )
    query = (
        select(Case.id)
        .where(
            Case.legal_hold.is_(False),
            Case.updated_at < cutoff,
            Case.created_at < cutoff,
            ~recent_event,
            ~recent_message,
            ~recent_checkin,
        )
        .order_by(Case.updated_at)
        .limit(limit)
    )
    return list(session.scalars(query))


def slack_refs(session: Session, case_ids: Sequence[int]) -> list[SlackRefs]:
    refs: list[SlackRefs] = []
    for case in session.scalars(select(Case).where(Case.id.in_(case_ids)).order_by(Case.id)):
        desk = (case.desk_channel_id, case.desk_message_ts) if case.desk_message_ts else None
        seen = {desk} if desk else set()
        entry = SlackRefs(case.id, case.reporter_user_id, desk)
        outbox = session.execute(
            select(OutboxMessage.result_channel, OutboxMessage.result_ts).where(
                OutboxMessage.case_id == case.id,
                OutboxMessage.result_ts.is_not(None),
                OutboxMessage.result_channel.is_not(None),
            )
        )
        checkins = session.execute(
            select(CheckIn.message_channel, CheckIn.message_ts).where(
                CheckIn.case_id == case.id,
                CheckIn.message_ts.is_not(None),
                CheckIn.message_channel.is_not(None),
            )
        )
        for channel, ts in [*outbox, *checkins]:
            ref = (str(channel), str(ts))
            if ref not in seen:
                seen.add(ref)
                entry.others.append(ref)
        refs.append(entry)
    return refs


def _count(session: Session, query: object) -> int:
    return int(session.scalar(query) or 0)  # type: ignore[call-overload]


def _customer_audit_ids(session: Session, case_ids: Sequence[int]) -> list[int]:
    """Register audit rows that name one of these cases by reference (links, reads): the
    reference with its exact time would outlive the case. Read in Python rather than with
    dialect-specific JSON SQL, as the outbox's personal rows are."""
    references = set(session.scalars(select(Case.reference).where(Case.id.in_(case_ids))))
    if not references:
        return []
    rows = session.execute(
        select(CustomerAudit.id, CustomerAudit.detail).where(CustomerAudit.detail.is_not(None))
    )
    return [
        row_id
        for row_id, detail in rows
        if isinstance(detail, dict) and detail.get("case") in references
    ]


def count_case_rows(session: Session, case_ids: Sequence[int]) -> dict[str, int]:
    return {
        "customer_audit": len(_customer_audit_ids(session, case_ids)),
        "cases": len(case_ids),
        "case_events": _count(
            session, select(func.count(CaseEvent.id)).where(CaseEvent.case_id.in_(case_ids))
        ),
        "checkins": _count(
            session, select(func.count(CheckIn.id)).where(CheckIn.case_id.in_(case_ids))
        ),
        "outbox": _count(
            session, select(func.count(OutboxMessage.id)).where(OutboxMessage.case_id.in_(case_ids))
        ),
        "urgent_pings": _count(
            session, select(func.count()).where(UrgentPing.case_id.in_(case_ids))
        ),
    }


def shred_cases(session: Session, case_ids: Sequence[int]) -> int:
    """Destroy these cases' data keys (the purge commits this before deleting their rows)."""
    return shred(session, CASE, case_ids)


def delete_cases(session: Session, case_ids: Sequence[int]) -> None:
    shred(session, CASE, case_ids)
    audit_ids = _customer_audit_ids(session, case_ids)
    if audit_ids:
        session.execute(
            delete(CustomerAudit)
            .where(CustomerAudit.id.in_(audit_ids))
            .execution_options(synchronize_session=False)
        )
    for model in (
        CaseEvent,
        CheckIn,
        OutboxMessage,
        UrgentPing,
        CaseRestriction,
        CaseHandler,
        CaseExclusion,
        AccessRequest,
    ):
        session.execute(
            delete(model)
            .where(model.case_id.in_(case_ids))
            .execution_options(synchronize_session=False)
        )
    session.execute(
        delete(Case).where(Case.id.in_(case_ids)).execution_options(synchronize_session=False)
    )


def delete_finished_slack_purges(session: Session) -> int:
    """Outbox rows that deleted a purged case's Slack objects and are done: they hold Slack ids
    (a reporter's DM channel among them) of a case that no longer exists."""
    result = session.execute(
        delete(OutboxMessage)
        .where(
            OutboxMessage.case_id.is_(None),
            OutboxMessage.dedupe_key.like("purge:%"),
            OutboxMessage.status.in_((OutboxStatus.DONE, OutboxStatus.FAILED)),
        )
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def people_without_other_cases(
    session: Session, user_ids: Collection[str], case_ids: Sequence[int]
) -> set[str]:
    """Of these reporters, those with no case besides `case_ids` (the ones being purged)."""
    if not user_ids:
        return set()
    remaining = set(
        session.scalars(
            select(Case.reporter_user_id).where(
                Case.reporter_user_id.in_(list(user_ids)), Case.id.not_in(list(case_ids))
            )
        )
    )
    return set(user_ids) - remaining


def _person_outbox_ids(session: Session, user_ids: Collection[str]) -> list[int]:
    """Outbox rows with no case that name one of these people (App Home refreshes and the like):
    the user id sits in the JSON payload, read here rather than with dialect-specific JSON SQL."""
    rows = session.execute(
        select(OutboxMessage.id, OutboxMessage.payload).where(OutboxMessage.case_id.is_(None))
    )
    wanted = set(user_ids)
    return [
        row_id
        for row_id, payload in rows
        if isinstance(payload, dict) and payload.get("user_id") in wanted
    ]


def count_person_rows(session: Session, user_ids: Collection[str]) -> dict[str, int]:
    people = list(user_ids)
    if not people:
        return {}
    return {
        "outbox_personal": len(_person_outbox_ids(session, people)),
        "slack_users": _count(session, select(func.count()).where(SlackUser.user_id.in_(people))),
        "home_viewers": _count(session, select(func.count()).where(HomeViewer.user_id.in_(people))),
        "awareness_reads": _count(
            session, select(func.count()).where(AwarenessRead.user_id.in_(people))
        ),
        "case_events_personal": _count(
            session,
            select(func.count(CaseEvent.id)).where(
                CaseEvent.case_id.is_(None), CaseEvent.actor_user_id.in_(people)
            ),
        ),
    }


def delete_person_rows(session: Session, user_ids: Collection[str]) -> None:
    people = list(user_ids)
    if not people:
        return
    outbox_ids = _person_outbox_ids(session, people)
    if outbox_ids:
        session.execute(
            delete(OutboxMessage)
            .where(OutboxMessage.id.in_(outbox_ids))
            .execution_options(synchronize_session=False)
        )
    for statement in (
        delete(SlackUser).where(SlackUser.user_id.in_(people)),
        delete(HomeViewer).where(HomeViewer.user_id.in_(people)),
        delete(AwarenessRead).where(AwarenessRead.user_id.in_(people)),
        delete(CaseEvent).where(CaseEvent.case_id.is_(None), CaseEvent.actor_user_id.in_(people)),
    ):
        session.execute(statement.execution_options(synchronize_session=False))
