"""Awareness posts (one per weekly slot) and the Got it clicks on them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from storage.models import AwarenessPost, AwarenessRead


def _insert(session: Session):  # type: ignore[no-untyped-def]
    return pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert


def count_posts(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(AwarenessPost)) or 0)


def claim_slot(
    session: Session,
    *,
    slot_at: datetime,
    item_key: str,
    sequence: int,
    channel_id: str,
    now: datetime,
) -> int | None:
    """Create the post of `slot_at` unless anyone already did; the new post's id, else None."""
    statement = (
        _insert(session)(AwarenessPost)
        .values(
            slot_at=slot_at,
            item_key=item_key,
            sequence=sequence,
            channel_id=channel_id,
            created_at=now,
        )
        .on_conflict_do_nothing(index_elements=["slot_at"])
        .returning(AwarenessPost.id)
    )
    post_id = session.execute(statement).scalar_one_or_none()
    return int(post_id) if post_id is not None else None


def get(session: Session, post_id: int) -> AwarenessPost | None:
    return session.get(AwarenessPost, post_id)


def record_read(session: Session, post_id: int, user_id: str, now: datetime) -> bool:
    """Remember that `user_id` clicked Got it on the post; False when they had already."""
    statement = (
        _insert(session)(AwarenessRead)
        .values(post_id=post_id, user_id=user_id, read_at=now)
        .on_conflict_do_nothing()
        .returning(AwarenessRead.post_id)
    )
    return session.execute(statement).scalar_one_or_none() is not None


def recent_with_counts(session: Session, limit: int) -> Sequence[tuple[AwarenessPost, int]]:
    """The newest posts with how many people clicked Got it on each."""
    reads = (
        select(AwarenessRead.post_id, func.count().label("n"))
        .group_by(AwarenessRead.post_id)
        .subquery()
    )
    rows = session.execute(
        select(AwarenessPost, func.coalesce(reads.c.n, 0))
        .outerjoin(reads, reads.c.post_id == AwarenessPost.id)
        .order_by(AwarenessPost.slot_at.desc())
        .limit(limit)
    ).all()
    return [(post, int(count)) for post, count in rows]
