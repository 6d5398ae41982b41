"""Urgent pings: which urgent reports mentioned the desk (at most one per person per window)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from storage.models import UrgentPing


def claim_ping(
    session: Session, *, case_id: int, reporter_user_id: str, now: datetime, window: timedelta
) -> bool:
    """Record that this case pings the desk, unless the same person's last ping is younger
    than `window`. True when it pings."""
    if session.get_bind().dialect.name == "postgresql":
        # Two urgent reports from one person at the same moment must not both ping.
        key = f"urgent:{reporter_user_id}"
        session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": key})
    last = session.scalar(
        select(func.max(UrgentPing.pinged_at)).where(
            UrgentPing.reporter_user_id == reporter_user_id
        )
    )
    if last is not None and now - last < window:
        return False
    session.add(UrgentPing(case_id=case_id, reporter_user_id=reporter_user_id, pinged_at=now))
    session.flush()
    return True


def pinged(session: Session, case_id: int) -> bool:
    return session.get(UrgentPing, case_id) is not None
