"""Outbox renderers of requests for access: the leads' DMs and the asker's answer."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from bot.outbox import Delivery, Post, Renderer, Skip
from bot.restriction import ids
from bot.restriction.messages import lead_request, leads_told, requester_answer
from storage.models import AccessRequest, AccessRequestStatus, OutboxMessage
from storage.repositories import cases as cases_repo

LocaleOf = Callable[[Session, str], str]


def restriction_renderers(*, locale_of: LocaleOf) -> dict[str, Renderer]:
    def lead(session: Session, message: OutboxMessage) -> Delivery:
        request = session.get(AccessRequest, int(message.payload.get("request_id", 0)))
        user_id = str(message.payload.get("user_id", ""))
        case = cases_repo.get(session, request.case_id) if request is not None else None
        if request is None or case is None or not user_id:
            return Skip("request or case deleted")
        if request.status != AccessRequestStatus.PENDING:
            return Skip("decided before the lead was told")
        dm = lead_request(
            reference=case.reference,
            requester=request.user_id,
            request_id=request.id,
            locale=locale_of(session, user_id),
        )
        return Post(user_id, dm.text, dm.blocks)

    def answer(session: Session, message: OutboxMessage) -> Delivery:
        request = session.get(AccessRequest, int(message.payload.get("request_id", 0)))
        case = cases_repo.get(session, request.case_id) if request is not None else None
        if request is None or case is None:
            return Skip("request or case deleted")
        dm = requester_answer(
            reference=case.reference,
            approved=bool(message.payload.get("approved")),
            locale=locale_of(session, request.user_id),
        )
        return Post(request.user_id, dm.text, dm.blocks)

    def told(session: Session, message: OutboxMessage) -> Delivery:
        case = cases_repo.get(session, message.case_id) if message.case_id is not None else None
        user_id = str(message.payload.get("user_id", ""))
        if case is None or not user_id:
            return Skip("case deleted")
        dm = leads_told(
            reference=case.reference,
            reason=str(message.payload.get("reason", "every_member")),
            locale=locale_of(session, user_id),
        )
        return Post(user_id, dm.text, dm.blocks)

    return {ids.LEAD_REQUEST: lead, ids.REQUESTER_ANSWER: answer, ids.LEADS_TOLD: told}
