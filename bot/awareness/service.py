"""Awareness rules: which item each weekly slot posts, Got it clicks, the welcome DM.

Once per slot across restarts and replicas: the post row is keyed by its slot (unique), created
with ON CONFLICT DO NOTHING in the same transaction as its outbox row, so whoever inserts it first
posts it and everyone else does nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from bot.awareness import ids
from bot.awareness.content import AwarenessContent
from bot.awareness.messages import PostRow
from bot.awareness.schedule import WeeklySlot
from bot.bounds import parse_id
from bot.clock import Clock
from bot.config import Settings
from storage.db import SessionFactory
from storage.repositories import awareness as awareness_repo
from storage.repositories import outbox as outbox_repo

# A slot missed while the app was down is still posted this long after its time; older ones are
# skipped (a Monday post on Friday would be stale) and the next week's slot posts as usual.
CATCH_UP = timedelta(hours=12)


@dataclass(frozen=True)
class AwarenessPolicy:
    channel_id: str | None
    schedule: WeeklySlot | None
    welcome: bool

    @classmethod
    def from_settings(cls, settings: Settings) -> AwarenessPolicy:
        return cls(
            channel_id=settings.awareness_channel_id,
            schedule=settings.awareness_schedule,
            welcome=settings.awareness_welcome,
        )

    @property
    def posting(self) -> bool:
        return self.schedule is not None and self.channel_id is not None


def post_due(
    sessions: SessionFactory, clock: Clock, policy: AwarenessPolicy, content: AwarenessContent
) -> int | None:
    """Post this slot's item unless it was posted already; the new post's id, else None."""
    if policy.schedule is None or policy.channel_id is None or not content.items:
        return None
    now = clock.now()
    slot = policy.schedule.latest(now)
    if now - slot > CATCH_UP:
        return None
    with sessions.begin() as session:
        sequence = awareness_repo.count_posts(session)
        item = content.items[sequence % len(content.items)]
        post_id = awareness_repo.claim_slot(
            session,
            slot_at=slot,
            item_key=item.key,
            sequence=sequence,
            channel_id=policy.channel_id,
            now=now,
        )
        if post_id is None:
            return None
        outbox_repo.enqueue(
            session,
            kind=ids.POST,
            dedupe_key=f"awareness:post:{slot.isoformat()}",
            payload={"post_id": post_id},
            now=now,
        )
    return post_id


@dataclass(frozen=True)
class ReadResult:
    reply_key: str


def record_read(sessions: SessionFactory, clock: Clock, user_id: str, raw_id: str) -> ReadResult:
    """A Got it click: counted once per person and post."""
    post_id = parse_id(raw_id)
    if post_id is None:
        return ReadResult("awareness.gone")
    with sessions.begin() as session:
        if awareness_repo.get(session, post_id) is None:
            return ReadResult("awareness.gone")
        added = awareness_repo.record_read(session, post_id, user_id, clock.now())
    return ReadResult("awareness.thanks" if added else "awareness.already")


def welcome_new_member(
    sessions: SessionFactory, clock: Clock, policy: AwarenessPolicy, user: Mapping[str, Any]
) -> bool:
    """Queue the welcome DM for a person who joined the workspace; True when queued."""
    user_id = user.get("id")
    if not policy.welcome or not isinstance(user_id, str) or not user_id:
        return False
    if user.get("is_bot") or user.get("deleted") or user_id == "USLACKBOT":
        return False
    with sessions.begin() as session:
        return outbox_repo.enqueue(
            session,
            kind=ids.WELCOME,
            dedupe_key=f"awareness:welcome:{user_id}",
            payload={"user_id": user_id},
            now=clock.now(),
        )


def home_rows(
    session: Session, content: AwarenessContent, locale: str, limit: int
) -> list[PostRow]:
    """Recent posts and how many clicked Got it, for the desk's App Home."""
    rows = []
    for post, readers in awareness_repo.recent_with_counts(session, limit):
        item = content.item(post.item_key)
        title = item.title.get("ja" if locale == "ja" else "en") if item else post.item_key
        rows.append(PostRow(posted_at=post.slot_at, title=title, readers=readers))
    return rows
