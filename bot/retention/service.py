"""Deleting closed cases once the retention period is over (APPI: keep no longer than needed).

What stays is one audit line per purged case with its reference and dates: no narrative, no
reporter, no category.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from storage.db import SessionFactory
from storage.repositories import cases as cases_repo

log = logging.getLogger(__name__)
PURGE_BATCH = 200


def purge_expired_cases(session: Session, *, now: datetime, retention: timedelta) -> list[str]:
    """Delete resolved cases closed longer than `retention` ago; returns their references."""
    expired = cases_repo.resolved_before(session, now - retention, limit=PURGE_BATCH)
    references = []
    for case in expired:
        references.append(case.reference)
        cases_repo.record_event(
            session,
            case_id=None,
            actor_user_id="system",
            action="purged",
            now=now,
            after={
                "reference": case.reference,
                "created_at": case.created_at.isoformat(),
                "resolved_at": case.resolved_at.isoformat() if case.resolved_at else None,
            },
        )
        session.delete(case)
    return references


def purge(sessions: SessionFactory, *, now: datetime, retention: timedelta) -> int:
    """One tick's worth: purge a batch in its own transaction; returns how many went."""
    with sessions.begin() as session:
        purged = purge_expired_cases(session, now=now, retention=retention)
    if purged:
        log.info("retention: deleted %d closed cases", len(purged))
    return len(purged)
