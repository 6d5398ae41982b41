"""Deleting closed cases once the retention period is over (APPI: keep no longer than needed).

What stays is one audit line per purged case with its reference and dates: no narrative, no
reporter, no category.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.deps import Core, Feature
from bot.scheduler import TickJob
from storage.models import Case, CaseStatus
from storage.repositories import cases as cases_repo
from storage.repositories import customers as customers_repo

log = logging.getLogger(__name__)
PURGE_BATCH = 200


def purge_expired_cases(session: Session, *, now: datetime, retention: timedelta) -> list[str]:
    """Delete resolved cases closed longer than `retention` ago; returns their references."""
    cutoff = now - retention
    expired = session.scalars(
        select(Case)
        .where(Case.status == CaseStatus.RESOLVED, Case.resolved_at < cutoff)
        .order_by(Case.resolved_at)
        .limit(PURGE_BATCH)
    ).all()
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


def retention_feature(core: Core) -> Feature:
    def purge() -> None:
        with core.sessions.begin() as session:
            now = core.clock.now()
            purged = purge_expired_cases(session, now=now, retention=core.settings.retention)
            # Customer records go with their last case, unless a measure (a ban) is in force.
            gone = customers_repo.purge_unlinked(
                session, today=now.astimezone(core.settings.desk_hours.tz).date()
            )
        if gone:
            log.info("retention: deleted %d customer records with no case left", len(gone))
        if purged:
            log.info("retention: deleted %d closed cases", len(purged))

    return Feature(tick_jobs=[TickJob("retention-purge", purge, timedelta(hours=1))])
