"""Queries of the case handling: the four steps, prevention reminders, stop requests, answers
owed to the reporter, the closing survey and cooperation requests."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, exists, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from storage.models import (
    AnswerReminder,
    Case,
    CaseCare,
    CaseFacts,
    CaseMeasure,
    CaseMessage,
    CaseStatus,
    CooperationRequest,
    CustomerCase,
    PreventionAction,
    PreventionStatus,
    StopRequest,
    SurveyAnswer,
)
from storage.repositories.claims import claim_rows

FEEDBACK_KIND = "feedback"  # CaseMessage.kind of the desk's feedback on the outcome
CLOSED = (CaseStatus.RESOLVED, CaseStatus.WITHDRAWN)


@dataclass(frozen=True)
class Steps:
    """Where a case stands in the four steps."""

    facts: int
    care: int
    measures: int
    prevention_open: int
    prevention_done: int
    stop_requested_by: str | None  # a stop waiting for its second desk member
    feedback_at: datetime | None
    stopped: bool = False  # a stop was confirmed


def add(session: Session, row: Any) -> Any:
    session.add(row)
    session.flush()
    return row


def _count(session: Session, model: Any, *where: Any) -> int:
    return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def steps(session: Session, case_id: int) -> Steps:
    pending = pending_stop(session, case_id)
    return Steps(
        facts=_count(session, CaseFacts, CaseFacts.case_id == case_id),
        care=_count(session, CaseCare, CaseCare.case_id == case_id),
        measures=_count(session, CaseMeasure, CaseMeasure.case_id == case_id),
        prevention_open=open_prevention_count(session, case_id),
        prevention_done=_count(
            session,
            PreventionAction,
            PreventionAction.case_id == case_id,
            PreventionAction.status == PreventionStatus.DONE,
        ),
        stop_requested_by=pending.requested_by if pending else None,
        feedback_at=first_feedback(session, [case_id]).get(case_id),
        stopped=stopped(session, case_id),
    )


def stopped(session: Session, case_id: int) -> bool:
    """Whether a stop was confirmed for the case."""
    confirmed = StopRequest.confirmed_at.isnot(None)
    return _count(session, StopRequest, StopRequest.case_id == case_id, confirmed) > 0


def open_prevention_count(session: Session, case_id: int) -> int:
    return _count(
        session,
        PreventionAction,
        PreventionAction.case_id == case_id,
        PreventionAction.status == PreventionStatus.OPEN,
    )


def prevention_action(session: Session, action_id: int) -> PreventionAction | None:
    return session.get(PreventionAction, action_id)


def mark_done(session: Session, action_id: int, actor: str, now: datetime) -> bool:
    """Open -> done, once: a second click finds it done already."""
    result = session.execute(
        update(PreventionAction)
        .where(PreventionAction.id == action_id, PreventionAction.status == PreventionStatus.OPEN)
        .values(status=PreventionStatus.DONE, done_by=actor, done_at=now)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]


def open_actions(session: Session, limit: int) -> list[tuple[PreventionAction, str]]:
    """Open prevention actions with their case's reference, soonest due first (App Home)."""
    rows = session.execute(
        select(PreventionAction, Case.reference)
        .join(Case, Case.id == PreventionAction.case_id)
        .where(PreventionAction.status == PreventionStatus.OPEN)
        .order_by(PreventionAction.due_at, PreventionAction.id)
        .limit(limit)
    ).all()
    return [(action, str(reference)) for action, reference in rows]


def claim_due_prevention(session: Session, *, now: datetime, limit: int) -> list[int]:
    """Open actions past their due time whose reminder has not fired; claimed by setting
    `reminded_at` in a conditional UPDATE, so the reminder fires once across replicas."""
    claimable = and_(
        PreventionAction.status == PreventionStatus.OPEN,
        PreventionAction.due_at <= now,
        PreventionAction.reminded_at.is_(None),
    )
    return claim_rows(
        session,
        PreventionAction,
        claimable=claimable,
        order_by=PreventionAction.due_at,
        limit=limit,
        claim_values={"reminded_at": now},
    )


def pending_stop(session: Session, case_id: int) -> StopRequest | None:
    return session.scalars(
        select(StopRequest)
        .where(StopRequest.case_id == case_id, StopRequest.confirmed_at.is_(None))
        .order_by(StopRequest.id.desc())
        .limit(1)
    ).first()


def confirm_stop(session: Session, request_id: int, actor: str, now: datetime) -> bool:
    """Confirms a pending stop by someone other than who asked; once."""
    result = session.execute(
        update(StopRequest)
        .where(
            StopRequest.id == request_id,
            StopRequest.confirmed_at.is_(None),
            StopRequest.requested_by != actor,
        )
        .values(confirmed_by=actor, confirmed_at=now)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]


def linked_customer(session: Session, case_id: int) -> int | None:
    return session.scalar(select(CustomerCase.customer_id).where(CustomerCase.case_id == case_id))


def first_feedback(session: Session, case_ids: Sequence[int]) -> dict[int, datetime]:
    """When the desk first sent feedback on the outcome, per case."""
    if not case_ids:
        return {}
    rows = session.execute(
        select(CaseMessage.case_id, func.min(CaseMessage.created_at))
        .where(CaseMessage.case_id.in_(case_ids), CaseMessage.kind == FEEDBACK_KIND)
        .group_by(CaseMessage.case_id)
    ).all()
    return {int(case_id): at for case_id, at in rows if case_id is not None}


def remind_once(session: Session, case_id: int, kind: str, now: datetime) -> bool:
    """Insert the reminder's row unless it exists: True for the one caller that inserted it
    (RETURNING: psycopg's rowcount does not say whether ON CONFLICT skipped the row)."""
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = (
        insert(AnswerReminder)
        .values(case_id=case_id, kind=kind, created_at=now)
        .on_conflict_do_nothing(index_elements=["case_id", "kind"])
        .returning(AnswerReminder.case_id)
    )
    return session.execute(statement).scalar_one_or_none() is not None


def answer_due(
    session: Session, kind: str, *, reported_before: datetime, reported_after: datetime, limit: int
) -> list[int]:
    """Cases reported between the two instants that still owe the reporter an answer of `kind`
    (ack: not acknowledged; feedback: no feedback sent) and were not reminded yet."""
    reminded = exists().where(AnswerReminder.case_id == Case.id, AnswerReminder.kind == kind)
    if kind == "ack":
        owed: Any = Case.acknowledged_at.is_(None)
    else:
        owed = ~exists().where(CaseMessage.case_id == Case.id, CaseMessage.kind == FEEDBACK_KIND)
    query = (
        select(Case.id)
        .where(Case.created_at <= reported_before, Case.created_at > reported_after)
        .where(Case.status != CaseStatus.WITHDRAWN)
        .where(owed, ~reminded)
        .order_by(Case.created_at)
        .limit(limit)
    )
    return [int(case_id) for case_id in session.scalars(query)]


def add_survey_answer(session: Session, answer: SurveyAnswer) -> bool:
    """False when the case was answered already (one answer per case)."""
    if session.get(SurveyAnswer, answer.case_id) is not None:
        return False
    session.add(answer)
    session.flush()
    return True


def survey_answers(session: Session, start: datetime, end: datetime) -> Sequence[SurveyAnswer]:
    return session.scalars(
        select(SurveyAnswer).where(
            SurveyAnswer.answered_at >= start, SurveyAnswer.answered_at < end
        )
    ).all()


def cooperation_between(
    session: Session, start: datetime, end: datetime
) -> Sequence[CooperationRequest]:
    return session.scalars(
        select(CooperationRequest)
        .where(CooperationRequest.recorded_at >= start, CooperationRequest.recorded_at < end)
        .order_by(CooperationRequest.id)
    ).all()


def step_times(session: Session, case_ids: Sequence[int]) -> dict[str, dict[int, datetime]]:
    """The first record of each step per case: {"facts": {case_id: at}, ...}."""
    if not case_ids:
        return {"facts": {}, "care": {}, "measures": {}, "prevention": {}}

    def first(model: Any, column: Any) -> dict[int, datetime]:
        rows = session.execute(
            select(model.case_id, func.min(column))
            .where(model.case_id.in_(case_ids))
            .group_by(model.case_id)
        ).all()
        return {int(case_id): at for case_id, at in rows}

    return {
        "facts": first(CaseFacts, CaseFacts.recorded_at),
        "care": first(CaseCare, CaseCare.recorded_at),
        "measures": first(CaseMeasure, CaseMeasure.recorded_at),
        "prevention": first(PreventionAction, PreventionAction.created_at),
    }


def prevention_as_of(session: Session, moment: datetime) -> tuple[int, int]:
    """(open, overdue) prevention actions as they stood at `moment`."""
    open_then = and_(
        PreventionAction.created_at < moment,
        or_(PreventionAction.done_at.is_(None), PreventionAction.done_at >= moment),
    )
    return (
        _count(session, PreventionAction, open_then),
        _count(session, PreventionAction, open_then, PreventionAction.due_at < moment),
    )


def cooperation_for(
    session: Session, case_ids: Sequence[int]
) -> dict[int, list[CooperationRequest]]:
    """Each case's cooperation requests, oldest first (for the export)."""
    found: dict[int, list[CooperationRequest]] = {}
    if not case_ids:
        return found
    for request in session.scalars(
        select(CooperationRequest)
        .where(CooperationRequest.case_id.in_(case_ids))
        .order_by(CooperationRequest.id)
    ):
        if request.case_id is not None:
            found.setdefault(request.case_id, []).append(request)
    return found
