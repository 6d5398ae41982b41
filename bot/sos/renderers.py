"""Outbox renderer: the case-thread line when the reporter adds details to an SOS case."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.i18n import t
from bot.outbox import Delivery, NotReady, Post, Renderer, Skip
from bot.slack import blocks as bk
from bot.slack.threads import thread_parent
from bot.sos import ids
from storage.models import OutboxMessage
from storage.repositories import cases as cases_repo


def sos_renderers(*, desk_locale: str) -> dict[str, Renderer]:
    def details_added(session: Session, message: OutboxMessage) -> Delivery:
        case = cases_repo.get(session, message.case_id) if message.case_id else None
        if case is None:
            return Skip("case deleted")
        if not case.desk_message_ts:
            raise NotReady("the case message has not been posted yet")
        text = t("sos.timeline.details_added", desk_locale)
        return Post(
            case.desk_channel_id,
            text,
            [bk.section(text)],
            thread_ts=thread_parent(case.desk_message_ts),
        )

    return {ids.DETAILS_ADDED: details_added}
