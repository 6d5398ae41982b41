"""Which App Homes to re-publish when a case changes, as outbox rows (one per viewer and change).

Choice: only people who opened the App Home before (table `home_viewers`, written by the
`app_home_opened` listener) are refreshed: the case's reporter, and desk staff for any change.
Everyone else sees a fresh home the next time they open it, because opening publishes it.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy.orm import Session

from storage.repositories import desk as desk_repo
from storage.repositories import outbox as outbox_repo

HOME_PUBLISH = "desk.home"


def enqueue_home_refreshes(
    session: Session,
    *,
    change_key: str,
    reporter_user_id: str | None,
    staff_members: Collection[str],
    now: datetime,
) -> int:
    """Queue a Publish for each viewer who sees this change; `change_key` makes each one unique."""
    count = 0
    for user_id in sorted(desk_repo.home_viewers(session)):
        if user_id != reporter_user_id and user_id not in staff_members:
            continue
        added = outbox_repo.enqueue(
            session,
            kind=HOME_PUBLISH,
            dedupe_key=f"home:{user_id}:{change_key}",
            payload={"user_id": user_id},
            now=now,
        )
        count += int(added)
    return count
