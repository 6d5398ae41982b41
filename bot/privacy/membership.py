"""Someone joined or left the desk channel: every replica forgets the member list, and a leaver's
App Home is published again (rendered at delivery, when they are no longer staff), so the desk
overview does not stay on their screen until they reopen it."""

from __future__ import annotations

import uuid
from datetime import datetime

from bot.home import HOME_PUBLISH
from bot.slack.staff import DeskStaff
from storage.db import SessionFactory
from storage.repositories import outbox as outbox_repo


def desk_membership_changed(
    staff: DeskStaff,
    sessions: SessionFactory,
    *,
    channel_id: object,
    user_id: object,
    left: bool,
    now: datetime,
) -> bool:
    """True when the change was the desk channel's (the caller then kicks the outbox)."""
    if channel_id != staff.channel_id:
        return False
    staff.membership_changed()
    if left and isinstance(user_id, str) and user_id:
        with sessions.begin() as session:
            outbox_repo.enqueue(
                session,
                kind=HOME_PUBLISH,
                dedupe_key=f"home:{user_id}:left:{uuid.uuid4().hex}",
                payload={"user_id": user_id},
                now=now,
            )
    return True
