"""Outbox renderer: the desk's recommended response for a case's categories, in the case thread."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.guidance.library import GuidanceLibrary
from bot.guidance.messages import desk_guidance_blocks
from bot.i18n import t
from bot.outbox import Delivery, NotReady, Post, Skip
from bot.report import DESK_MESSAGE
from bot.slack.threads import thread_parent
from storage.models import OutboxMessage
from storage.repositories import cases as cases_repo
from storage.repositories import outbox as outbox_repo


def render_desk_guidance(
    session: Session, message: OutboxMessage, *, lib: GuidanceLibrary, locale: str
) -> Delivery:
    case = cases_repo.get(session, message.case_id) if message.case_id is not None else None
    if case is None:
        return Skip("case deleted")
    if not case.desk_message_ts:
        if outbox_repo.has_failed(session, case_id=case.id, kind=DESK_MESSAGE):
            # Slack refused the case message for good: there is no thread to post in, and
            # waiting would retry this row forever.
            return Skip("the case message could not be posted")
        raise NotReady("the case message has not been posted yet")
    # Rendered at delivery time from the content loaded at start-up; a category retired from
    # the content since the report was stored is left out rather than failing the post.
    categories = [key for key in case.categories if key in lib.categories]
    return Post(
        case.desk_channel_id,
        t("guidance.desk_notification", locale, reference=case.reference),
        desk_guidance_blocks(lib, categories, locale),
        thread_ts=thread_parent(case.desk_message_ts),
    )
