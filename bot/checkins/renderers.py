"""Outbox renderers: turn check-in rows into Slack calls at delivery time."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.checkins import ids
from bot.checkins.messages import answer_text, answered_dm, checkin_dm, talk_post, unanswered_post
from bot.checkins.service import CheckinPolicy
from bot.content_mode import ContentMode
from bot.outbox import Delivery, NotReady, Post, Renderer, Skip, Update
from bot.slack.threads import ThreadParent, thread_parent
from storage.models import Case, CheckIn, CheckInStatus, OutboxMessage
from storage.repositories import cases as cases_repo
from storage.repositories import checkins as checkins_repo


def _moment(raw: object) -> datetime | None:
    return datetime.fromisoformat(raw) if isinstance(raw, str) and raw else None


def _load(session: Session, message: OutboxMessage) -> tuple[CheckIn, Case] | None:
    checkin_id = message.payload.get("checkin_id")
    checkin = checkins_repo.get(session, int(checkin_id)) if checkin_id is not None else None
    if checkin is None:
        return None
    case = cases_repo.get(session, checkin.case_id)
    return (checkin, case) if case is not None else None


def checkin_renderers(
    policy: CheckinPolicy,
    *,
    mention: str,
    desk_locale: str,
    content: ContentMode = ContentMode.FULL,
) -> dict[str, Renderer]:
    def send(session: Session, message: OutboxMessage) -> Delivery:
        loaded = _load(session, message)
        if loaded is None:
            return Skip("check-in or case deleted")
        checkin, case = loaded
        # ANSWERED too: after a crash mid-send the reporter may have answered before the ts was
        # stored; the outbox then finds the earlier post by its metadata instead of posting again.
        if checkin.status not in (CheckInStatus.SENT, CheckInStatus.ANSWERED):
            return Skip(f"check-in is {checkin.status}")
        if checkin.message_ts:
            return Skip("already delivered")
        dm = checkin_dm(case, checkin, case.reporter_locale)
        checkin_id = checkin.id

        def remember(inner: Session, channel: str, ts: str) -> None:
            stored = checkins_repo.get(inner, checkin_id)
            if stored is not None:
                stored.message_channel, stored.message_ts = channel, ts

        return Post(checkin.user_id, dm.text, dm.blocks, on_delivered=remember)

    def answered(session: Session, message: OutboxMessage) -> Delivery:
        loaded = _load(session, message)
        if loaded is None:
            return Skip("check-in or case deleted")
        checkin, case = loaded
        if not (checkin.message_channel and checkin.message_ts):
            raise NotReady("the check-in DM has not been recorded yet")
        locale = case.reporter_locale
        line = answer_text(
            case,
            str(message.payload.get("answer")),
            locale,
            contact_from=_moment(message.payload.get("contact_from")),
            next_due=_moment(message.payload.get("next_due")),
        )
        dm = answered_dm(case, line, locale)
        return Update(checkin.message_channel, checkin.message_ts, dm.text, dm.blocks)

    def _thread(case: Case) -> ThreadParent:
        if not case.desk_message_ts:
            raise NotReady("the case message has not been posted yet")
        return thread_parent(case.desk_message_ts)

    def talk(session: Session, message: OutboxMessage) -> Delivery:
        loaded = _load(session, message)
        if loaded is None:
            return Skip("check-in or case deleted")
        checkin, case = loaded
        post = talk_post(
            case,
            checkin,
            desk_locale,
            mention=mention,
            contact_from=_moment(message.payload.get("contact_from")),
            content=content,
        )
        return Post(case.desk_channel_id, post.text, post.blocks, thread_ts=_thread(case))

    def unanswered(session: Session, message: OutboxMessage) -> Delivery:
        loaded = _load(session, message)
        if loaded is None:
            return Skip("check-in or case deleted")
        checkin, case = loaded
        if checkin.status != CheckInStatus.SENT:
            return Skip("answered meanwhile")
        post = unanswered_post(
            case,
            checkin,
            desk_locale,
            mention=mention,
            after=policy.unanswered_alert,
            content=content,
        )
        return Post(case.desk_channel_id, post.text, post.blocks, thread_ts=_thread(case))

    return {ids.SEND: send, ids.ANSWERED: answered, ids.TALK: talk, ids.UNANSWERED: unanswered}
