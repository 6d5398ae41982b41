"""Renderers of the handling's outbox rows, run at delivery time from the rows as they are then
(a prevention action marked done before its reminder went out sends nothing)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, tzinfo
from typing import Any

from sqlalchemy.orm import Session

from bot.content_mode import ContentMode
from bot.handling import ids
from bot.handling import messages as msg
from bot.i18n import t
from bot.outbox import Delivery, NotReady, Post, Renderer, Skip
from bot.slack.blocks import SlackMessage
from bot.slack.threads import ThreadParent, thread_parent
from storage.models import (
    Case,
    CaseCare,
    CaseFacts,
    CaseMeasure,
    CaseStatus,
    CooperationRequest,
    OutboxMessage,
    PreventionAction,
    PreventionStatus,
    StopRequest,
    SurveyAnswer,
)
from storage.repositories import cases as cases_repo
from storage.repositories import handling as repo

PoliceText = Callable[[str], str]  # locale -> the police checklist (guidance/general.yaml)
# A person's locale from the users.info cache, read in the renderer's own session.
LocaleOf = Callable[[Session, str], str]


def _case(session: Session, row: OutboxMessage) -> Case | None:
    return cases_repo.get(session, row.case_id) if row.case_id is not None else None


def _thread(case: Case) -> ThreadParent:
    if not case.desk_message_ts:
        raise NotReady("the case message has not been posted yet")
    return thread_parent(case.desk_message_ts)


def _day(moment: datetime, tz: tzinfo) -> date:
    return moment.astimezone(tz).date()


def _line(
    session: Session, payload: dict[str, Any], locale: str, tz: tzinfo, content: ContentMode
) -> SlackMessage | None:
    what, row_id, actor = str(payload["what"]), int(payload["row_id"]), str(payload["actor"])
    if what == ids.FACTS:
        facts = session.get(CaseFacts, row_id)
        if facts is None:
            return None
        lists = (facts.confirmed, facts.methods, facts.with_whom)
        return msg.thread_line(what, actor, locale, content=content, lists=lists, notes=facts.notes)
    if what == ids.CARE:
        care = session.get(CaseCare, row_id)
        if care is None:
            return None
        return msg.thread_line(
            what,
            actor,
            locale,
            content=content,
            lists=(care.offered, care.accepted),
            notes=care.notes,
        )
    if what == ids.MEASURE:
        row = session.get(CaseMeasure, row_id)
        if row is None:
            return None
        kind = t(f"handling.choice.{row.kind}", locale)
        return msg.thread_line(what, actor, locale, content=content, kind=kind)
    if what in (ids.PREVENTION, "prevention_done"):
        action = session.get(PreventionAction, row_id)
        if action is None:
            return None
        return msg.thread_line(
            what,
            actor,
            locale,
            content=content,
            owner=action.owner_user_id,
            due=_day(action.due_at, tz).isoformat(),
            text=action.text,
        )
    if what == ids.COOPERATION:
        request = session.get(CooperationRequest, row_id)
        if request is None:
            return None
        return msg.thread_line(
            f"cooperation_{request.direction}",
            actor,
            locale,
            content=content,
            company=request.company,
            on=request.requested_on.isoformat(),
            text=request.asked,
            notes=request.answered,
        )
    if what in ("stop_asked", "stop_confirmed"):
        stop = session.get(StopRequest, row_id)
        if stop is None:
            return None
        return msg.thread_line(what, actor, locale, content=content, asked_by=stop.requested_by)
    return None


def handling_renderers(
    *,
    desk_locale: str,
    tz: tzinfo,
    police_text: PoliceText,
    locale_of: LocaleOf,
    content: ContentMode = ContentMode.FULL,
) -> dict[str, Renderer]:
    def thread_line(session: Session, row: OutboxMessage) -> Delivery:
        case = _case(session, row)
        if case is None:
            return Skip("case deleted")
        line = _line(session, row.payload, desk_locale, tz, content)
        if line is None:
            return Skip("record deleted")
        return Post(case.desk_channel_id, line.text, line.blocks, thread_ts=_thread(case))

    def open_action(session: Session, row: OutboxMessage) -> PreventionAction | None:
        action = session.get(PreventionAction, int(row.payload.get("action_id", 0)))
        return action if action is not None and action.status == PreventionStatus.OPEN else None

    def prevention_message(case: Case, action: PreventionAction, locale: str) -> SlackMessage:
        return msg.prevention_due(
            text=action.text,
            owner=action.owner_user_id,
            due=_day(action.due_at, tz),
            reference=case.reference,
            action_id=action.id,
            locale=locale,
            content=content,
        )

    def prevention_due(session: Session, row: OutboxMessage) -> Delivery:
        case, action = _case(session, row), open_action(session, row)
        if case is None or action is None:
            return Skip("done or deleted before the reminder went out")
        due = prevention_message(case, action, desk_locale)
        return Post(case.desk_channel_id, due.text, due.blocks, thread_ts=_thread(case))

    def prevention_dm(session: Session, row: OutboxMessage) -> Delivery:
        case, action = _case(session, row), open_action(session, row)
        if case is None or action is None:
            return Skip("done or deleted before the reminder went out")
        due = prevention_message(case, action, locale_of(session, action.owner_user_id))
        return Post(action.owner_user_id, due.text, due.blocks)

    def answer_due(session: Session, row: OutboxMessage) -> Delivery:
        case = _case(session, row)
        kind = str(row.payload.get("kind"))
        if case is None or case.status == CaseStatus.WITHDRAWN:
            return Skip("case deleted or withdrawn")
        if kind == "ack" and case.acknowledged_at is not None:
            return Skip("acknowledged before the reminder went out")
        if kind == "feedback" and repo.first_feedback(session, [case.id]):
            return Skip("feedback sent before the reminder went out")
        due = datetime.fromisoformat(str(row.payload["due"]))
        line = msg.answer_due(kind, _day(due, tz), case.reference, desk_locale)
        return Post(case.desk_channel_id, line.text, line.blocks, thread_ts=_thread(case))

    def police_flow(session: Session, row: OutboxMessage) -> Delivery:
        case = _case(session, row)
        if case is None:
            return Skip("case deleted")
        post = msg.police_flow(police_text(desk_locale), desk_locale)
        return Post(case.desk_channel_id, post.text, post.blocks, thread_ts=_thread(case))

    def survey_dm(session: Session, row: OutboxMessage) -> Delivery:
        case = _case(session, row)
        if case is None or case.status != CaseStatus.RESOLVED:
            return Skip("reopened or deleted before the survey went out")
        if session.get(SurveyAnswer, case.id) is not None:
            return Skip("answered already")
        dm = msg.survey_dm(case.reference, case.id, case.reporter_locale)
        return Post(case.reporter_user_id, dm.text, dm.blocks)

    return {
        ids.THREAD_LINE: thread_line,
        ids.PREVENTION_DUE: prevention_due,
        ids.PREVENTION_DM: prevention_dm,
        ids.ANSWER_DUE: answer_due,
        ids.POLICE_FLOW: police_flow,
        ids.SURVEY_DM: survey_dm,
    }
