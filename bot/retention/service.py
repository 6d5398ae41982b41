"""Deleting closed cases once the retention period is over (APPI: keep no longer than needed).

What stays is one audit line per purged case with its reference and dates: no narrative, no
reporter, no category.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from bot.conversation import enqueue_slack_purge
from storage.db import SessionFactory
from storage.repositories import cases as cases_repo
from storage.repositories import customers as customers_repo

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
        # The Slack side (file copies, DM and desk posts) is deleted through the outbox.
        enqueue_slack_purge(session, case.id, now)
        session.delete(case)
    return references


def purge(
    sessions: SessionFactory, *, now: datetime, retention: timedelta, today: date | None = None
) -> int:
    """One tick's worth: purge a batch in its own transaction; returns how many went.

    Customer records go with their last case, unless a measure (a ban) is in force `today`.
    """
    with sessions.begin() as session:
        purged = purge_expired_cases(session, now=now, retention=retention)
        gone = customers_repo.purge_unlinked(session, today=today or now.date())
    if gone:
        log.info("retention: deleted %d customer records with no case left", len(gone))
    if purged:
        log.info("retention: deleted %d closed cases", len(purged))
    return len(purged)
