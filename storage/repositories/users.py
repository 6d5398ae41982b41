"""Cached Slack user profiles (locale and time zone)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from storage.models import SlackUser


def get(session: Session, user_id: str) -> SlackUser | None:
    return session.get(SlackUser, user_id)


def save(
    session: Session, *, user_id: str, locale: str | None, tz: str | None, now: datetime
) -> SlackUser:
    user = session.get(SlackUser, user_id)
    if user is None:
        user = SlackUser(user_id=user_id, locale=locale, tz=tz, fetched_at=now)
        session.add(user)
    else:
        user.locale, user.tz, user.fetched_at = locale, tz, now
    return user
