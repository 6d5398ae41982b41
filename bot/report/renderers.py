"""Renderers for the report flow's outbox rows: the desk's case message and the reporter's DM."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy.orm import Session

from bot.content_mode import ContentMode
from bot.deskhours import DeskHours, reporter_expectation
from bot.i18n import t
from bot.outbox import Delivery, NotReady, Post, Renderer, Skip, Update
from bot.report.ids import DESK_MESSAGE, DESK_UPDATE, RECEIPT_UPDATE, REPORTER_DM
from bot.report.messages import CategoryLabel, case_message, reporter_confirmation
from bot.slack import blocks as bk
from bot.slack.blocks import SlackMessage
from storage.models import Case, OutboxMessage
from storage.repositories import cases as cases_repo
from storage.repositories import outbox as outbox_repo

# Extra blocks for the case message (the desk's buttons, check-in status), from other features.
CaseBlocks = Callable[[Session, Case, str], Sequence[bk.Block]]
# What the desk channel shows instead of the case (a private case's notice), or None.
CaseNotice = Callable[[Session, Case, str], SlackMessage | None]
EmployeeGuidance = Callable[[Sequence[str], str], Sequence[bk.Block]]


@dataclass(frozen=True)
class ReportRendering:
    desk_locale: str
    mention: str
    ack_sla: timedelta
    category_label: CategoryLabel
    employee_guidance: EmployeeGuidance
    case_blocks: Sequence[CaseBlocks] = ()
    # Whether an urgent case may mention the desk (one ping per person per window).
    mention_allowed: Callable[[Session, Case], bool] | None = None
    receipt_blocks: Sequence[CaseBlocks] = ()  # rendered in the reporter's locale
    case_notices: Sequence[CaseNotice] = ()
    desk_hours: DeskHours = field(default_factory=DeskHours)
    content: ContentMode = ContentMode.FULL


def message_digest(text: str, blocks: Sequence[bk.Block]) -> str:
    """What identifies a message's content: equal digests, equal messages in Slack."""
    content = json.dumps([text, list(blocks)], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


def render_case_message(session: Session, case: Case, rendering: ReportRendering) -> Post:
    for notice in rendering.case_notices:
        shown = notice(session, case, rendering.desk_locale)
        if shown is not None:
            return _post(case, shown)
    extra = [
        block
        for source in rendering.case_blocks
        for block in source(session, case, rendering.desk_locale)
    ]
    mention = rendering.mention
    if (
        case.in_danger
        and rendering.mention_allowed
        and not rendering.mention_allowed(session, case)
    ):
        mention = t("privacy.urgent.same_person", rendering.desk_locale)
    message = case_message(
        case,
        locale=rendering.desk_locale,
        category_label=rendering.category_label,
        mention=mention,
        extra_blocks=extra,
        content=rendering.content,
    )

    return _post(case, message)


def _post(case: Case, message: SlackMessage) -> Post:
    digest = message_digest(message.text, message.blocks)

    def remember(inner: Session, channel: str, ts: str) -> None:
        stored = cases_repo.get(inner, case.id)
        if stored is not None:
            stored.desk_message_ts = ts
            stored.desk_message_digest = digest

    return Post(case.desk_channel_id, message.text, message.blocks, on_delivered=remember)


def update_case_message(case: Case, post: Post) -> Delivery:
    """The chat.update that brings the case message up to date, or nothing when Slack shows
    this content already: several changes in a row (a check-in sent, a message read, the SLA
    line) often render the same message, and each update is a call of Slack's Tier 3."""
    assert case.desk_message_ts is not None
    digest = message_digest(post.text, post.blocks)
    if digest == case.desk_message_digest:
        return Skip("unchanged")

    def remember(inner: Session, channel: str, ts: str) -> None:
        stored = cases_repo.get(inner, case.id)
        if stored is not None:
            stored.desk_message_digest = digest

    return Update(post.channel, case.desk_message_ts, post.text, post.blocks, on_delivered=remember)


def _case(session: Session, message: OutboxMessage) -> Case | None:
    return cases_repo.get(session, message.case_id) if message.case_id is not None else None


def report_renderers(rendering: ReportRendering) -> dict[str, Renderer]:
    def desk_message(session: Session, message: OutboxMessage) -> Delivery:
        case = _case(session, message)
        if case is None:
            return Skip("case deleted")
        post = render_case_message(session, case, rendering)
        if case.desk_message_ts:
            return update_case_message(case, post)
        return post

    def desk_update(session: Session, message: OutboxMessage) -> Delivery:
        case = _case(session, message)
        if case is None:
            return Skip("case deleted")
        if not case.desk_message_ts:
            raise NotReady("the case message has not been posted yet")
        return update_case_message(case, render_case_message(session, case, rendering))

    def receipt(session: Session, case: Case) -> SlackMessage:
        locale = case.reporter_locale
        guidance = rendering.employee_guidance(case.categories, locale)
        extra = [
            block for source in rendering.receipt_blocks for block in source(session, case, locale)
        ]
        return reporter_confirmation(
            case,
            locale=locale,
            ack_sla=rendering.ack_sla,
            guidance_blocks=guidance,
            extra_blocks=extra,
            expected=reporter_expectation(session, case, rendering.desk_hours, locale),
        )

    def reporter_dm(session: Session, message: OutboxMessage) -> Delivery:
        case = _case(session, message)
        if case is None:
            return Skip("case deleted")
        dm = receipt(session, case)
        return Post(case.reporter_user_id, dm.text, dm.blocks)

    def receipt_update(session: Session, message: OutboxMessage) -> Delivery:
        case = _case(session, message)
        if case is None:
            return Skip("case deleted")
        posted = outbox_repo.delivered(session, case.id, REPORTER_DM)
        if posted is None:
            raise NotReady("the confirmation has not been posted yet")
        dm = receipt(session, case)
        return Update(posted[0], posted[1], dm.text, dm.blocks)

    return {
        DESK_MESSAGE: desk_message,
        DESK_UPDATE: desk_update,
        REPORTER_DM: reporter_dm,
        RECEIPT_UPDATE: receipt_update,
    }
