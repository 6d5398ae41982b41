"""The conversation feature: its renderers, its part of the case message and of the receipt DM,
and the tick that forgets DMs never assigned to a case.

Wired in `bot.app.feature_factories()`; listeners in handlers/events/direct_message.py,
handlers/actions/conversation_*.py and handlers/views/conversation_*.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy.orm import Session

from bot.conversation import ids
from bot.conversation import messages as msg
from bot.conversation.renderers import conversation_renderers
from bot.conversation.service import ConversationService, accept_form_evidence
from bot.deps import Core, Feature
from bot.i18n import normalize_locale, t
from bot.scheduler import TickJob
from bot.slack import blocks as bk
from storage.models import Case, CaseStatus
from storage.repositories import conversation as conversation_repo
from storage.repositories import users as users_repo

UNROUTED_KEPT = timedelta(days=1)


def reporter_messages(session: Session, case: Case) -> int:
    return sum(1 for m in conversation_repo.messages_of(session, case.id) if m.direction == "in")


def conversation_feature(core: Core) -> Feature:
    sealed = core.settings.case_content_in_slack.sealed

    def case_blocks(session: Session, case: Case, locale: str) -> Sequence[bk.Block]:
        if case.status == CaseStatus.WITHDRAWN:
            return []
        thread = conversation_repo.thread(session, case.id)
        consent = thread.consent_state if thread else None
        return msg.case_blocks(
            value=str(case.id),
            unread=conversation_repo.unread_count(session, case.id),
            ask_name=case.identity != "named" and consent not in ("asked", "shared"),
            locale=locale,
            total=reporter_messages(session, case) if sealed else None,
        )

    def receipt_blocks(session: Session, case: Case, locale: str) -> Sequence[bk.Block]:
        if case.status == CaseStatus.WITHDRAWN:
            return [bk.context(t("conv.error.withdrawn", locale))]
        return msg.receipt_blocks(case_id=case.id, reference=case.reference, locale=locale)

    def cached_locale(session: Session, user_id: str) -> str:
        # Inside the delivery's transaction: never a second session (SQLite would wait on us).
        cached = users_repo.get(session, user_id)
        return normalize_locale(cached.locale if cached else None, core.settings.default_locale)

    def forget_unrouted() -> None:
        with core.sessions.begin() as session:
            conversation_repo.forget_unrouted(session, core.clock.now() - UNROUTED_KEPT)

    return Feature(
        renderers=conversation_renderers(
            desk_locale=core.settings.default_locale,
            locale_of=cached_locale,
            clock=core.clock,
            sessions=core.sessions,
            api_url=core.settings.slack_api_url,
            download_timeout=core.settings.evidence_download_timeout.total_seconds(),
            content=core.settings.case_content_in_slack,
        ),
        outbox_kinds=ids.OUTBOX_KINDS,
        services=(
            ConversationService(
                sessions=core.sessions, clock=core.clock, staff=core.staff, access=core.access
            ),
        ),
        case_blocks=(case_blocks,),
        evidence_hooks=(accept_form_evidence,),
        receipt_blocks=(receipt_blocks,),
        tick_jobs=(TickJob("conversation-forget-unrouted", forget_unrouted, timedelta(hours=1)),),
    )
