"""Posting the desk's recommended response for a case's categories in the case thread."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.deps import Core, Feature
from bot.guidance import GuidanceLibrary, desk_guidance_blocks
from bot.i18n import t
from bot.outbox import Delivery, NotReady, Post, Skip
from bot.report.service import DESK_MESSAGE
from storage.models import Case, OutboxMessage, OutboxStatus
from storage.repositories import cases as cases_repo
from storage.repositories import outbox as outbox_repo

DESK_THREAD = "guidance.desk_thread"


def dedupe_key(case_id: int) -> str:
    return f"case:{case_id}:guidance"


def enqueue_desk_guidance(session: Session, case: Case, now: datetime) -> None:
    """Report hook: runs in the report's transaction, so the row exists exactly with the case."""
    outbox_repo.enqueue(
        session, kind=DESK_THREAD, dedupe_key=dedupe_key(case.id), case_id=case.id, now=now
    )


def _desk_message_failed(session: Session, case_id: int) -> bool:
    failed = session.scalar(
        select(OutboxMessage.id)
        .where(
            OutboxMessage.case_id == case_id,
            OutboxMessage.kind == DESK_MESSAGE,
            OutboxMessage.status == OutboxStatus.FAILED,
        )
        .limit(1)
    )
    return failed is not None


def render_desk_guidance(
    session: Session, message: OutboxMessage, *, lib: GuidanceLibrary, locale: str
) -> Delivery:
    case = cases_repo.get(session, message.case_id) if message.case_id is not None else None
    if case is None:
        return Skip("case deleted")
    if not case.desk_message_ts:
        if _desk_message_failed(session, case.id):
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
        thread_ts=case.desk_message_ts,
    )


def desk_guidance_feature(core: Core) -> Feature:
    """Every new case gets the recommended response in its thread, in the desk's language."""
    lib = core.guidance
    locale = core.settings.default_locale

    def render(session: Session, message: OutboxMessage) -> Delivery:
        return render_desk_guidance(session, message, lib=lib, locale=locale)

    return Feature(renderers={DESK_THREAD: render}, report_hooks=(enqueue_desk_guidance,))
