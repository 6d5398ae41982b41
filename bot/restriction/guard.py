"""The case thread of a private case carries notices only.

The thread hangs under the case message in the desk channel: everyone in the channel reads it.
Whatever another feature posts there for a private case (a timeline line with its note, a relayed
message, the guidance for its categories, an edit mirrored) goes out as a neutral notice instead,
and evidence copies into the thread are withheld. Wrapping the renderers here keeps that rule in
one place, whatever feature the row belongs to. The case message itself is the report feature's
(`case_notice` renders it).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Mapping

from sqlalchemy.orm import Session

from bot.outbox import Delivery, Perform, Post, Renderer, Skip, Update
from bot.restriction.access import load_access
from bot.restriction.messages import thread_notice
from storage.models import OutboxMessage
from storage.repositories import cases as cases_repo


def _private(session: Session, case_id: int) -> bool:
    return load_access(session, [case_id])[case_id].private


def guard_thread(
    renderers: Mapping[str, Renderer],
    *,
    desk_channel: str,
    locale: str,
    withheld_kinds: Collection[str] = (),
) -> dict[str, Renderer]:
    notice = thread_notice(locale)

    def wrap(kind: str, renderer: Renderer) -> Renderer:
        def guarded(session: Session, message: OutboxMessage) -> Delivery:
            delivery = renderer(session, message)
            case_id = message.case_id
            if case_id is None:
                return delivery
            if isinstance(delivery, Perform) and kind in withheld_kinds:
                return Skip("private case") if _private(session, case_id) else delivery
            in_thread = isinstance(delivery, Post) and delivery.thread_ts is not None
            if isinstance(delivery, Update):
                case = cases_repo.get(session, case_id)
                in_thread = case is not None and delivery.ts != case.desk_message_ts
            if not in_thread or not isinstance(delivery, Post | Update):
                return delivery
            if delivery.channel != desk_channel or not _private(session, case_id):
                return delivery
            return dataclasses.replace(delivery, text=notice.text, blocks=list(notice.blocks))

        return guarded

    return {kind: wrap(kind, renderer) for kind, renderer in renderers.items()}
