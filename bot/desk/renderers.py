"""Renderers for the desk's outbox rows. They run at delivery time, so what is sent reflects the
case as it is then; rows that need the case message's ts wait (NotReady) until it exists."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from sqlalchemy.orm import Session

from bot.content_mode import ContentMode
from bot.desk.ids import LEAD_DM, REPORTER_UPDATE, SLA_POST, TIMELINE
from bot.desk.messages import lead_dm, reporter_update, sla_message, timeline_message
from bot.outbox import Delivery, NotReady, Post, Renderer, Skip
from bot.slack.links import WorkspaceLinks
from bot.slack.threads import ThreadParent, thread_parent
from storage.models import Case, CaseEvent, CaseStatus, OutboxMessage
from storage.repositories import cases as cases_repo

# The locale of a person from the users.info cache, read in the renderer's own session: a
# renderer runs inside the worker's transaction and must not open a second writer (SQLite).
LocaleOf = Callable[[Session, str], str]


def _case(session: Session, message: OutboxMessage) -> Case | None:
    return cases_repo.get(session, message.case_id) if message.case_id is not None else None


def _thread(case: Case) -> ThreadParent:
    if not case.desk_message_ts:
        raise NotReady("the case message has not been posted yet")
    return thread_parent(case.desk_message_ts)


def desk_renderers(
    *,
    desk_locale: str,
    mention: str,
    links: WorkspaceLinks,
    locale_of: LocaleOf,
    content: ContentMode = ContentMode.FULL,
) -> dict[str, Renderer]:
    def timeline(session: Session, message: OutboxMessage) -> Delivery:
        case = _case(session, message)
        event = session.get(CaseEvent, int(message.payload.get("event_id", 0)))
        if case is None or event is None:
            return Skip("case or event deleted")
        after = event.after or {}
        entry = timeline_message(
            action=event.action,
            actor=event.actor_user_id,
            locale=desk_locale,
            assignee=after.get("assignee_user_id"),
            escalated_to=after.get("escalated_to"),
            outcome=after.get("resolution"),
            note=event.note,
            reporter_told=bool(message.payload.get("reporter_told")),
            content=content,
            handlers=[str(person) for person in after.get("handlers") or ()],
        )
        return Post(case.desk_channel_id, entry.text, entry.blocks, thread_ts=_thread(case))

    def reporter(session: Session, message: OutboxMessage) -> Delivery:
        case = _case(session, message)
        event = session.get(CaseEvent, int(message.payload.get("event_id", 0)))
        milestone = str(message.payload.get("milestone", ""))
        if case is None or event is None:
            return Skip("case or event deleted")
        if milestone == "resolved" and case.status != CaseStatus.RESOLVED:
            return Skip("reopened before the news went out")
        dm = reporter_update(
            milestone=milestone,
            reference=case.reference,
            actor=event.actor_user_id,
            locale=case.reporter_locale,
        )
        return Post(case.reporter_user_id, dm.text, dm.blocks)

    def sla_post(session: Session, message: OutboxMessage) -> Delivery:
        case = _case(session, message)
        if case is None:
            return Skip("case deleted")
        if case.status != CaseStatus.NEW:
            return Skip("acknowledged before the reminder went out")
        entry = sla_message(
            stage=int(message.payload.get("stage", 1)),
            leads=bool(message.payload.get("leads")),
            reference=case.reference,
            elapsed=timedelta(seconds=int(message.payload.get("elapsed_seconds", 0))),
            mention=mention,
            locale=desk_locale,
        )
        return Post(case.desk_channel_id, entry.text, entry.blocks, thread_ts=_thread(case))

    def lead(session: Session, message: OutboxMessage) -> Delivery:
        case = _case(session, message)
        user_id = str(message.payload.get("user_id", ""))
        if case is None or not user_id:
            return Skip("case deleted")
        if case.status != CaseStatus.NEW:
            return Skip("acknowledged before the leads were told")
        # No waiting for the case message: when it could not be posted, the leads matter most.
        dm = lead_dm(
            reference=case.reference,
            elapsed=timedelta(seconds=int(message.payload.get("elapsed_seconds", 0))),
            permalink=links.message(case.desk_channel_id, case.desk_message_ts),
            locale=str(message.payload.get("locale") or locale_of(session, user_id)),
        )
        return Post(user_id, dm.text, dm.blocks)

    return {
        TIMELINE: timeline,
        REPORTER_UPDATE: reporter,
        SLA_POST: sla_post,
        LEAD_DM: lead,
    }
