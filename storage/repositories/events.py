"""Slack event ids already handled."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.orm import Session

from storage.models import ProcessedEvent


def remember(session: Session, event_id: str, now: datetime) -> None:
    """Raises IntegrityError (at flush) when the id was seen before."""
    session.add(ProcessedEvent(event_id=event_id, received_at=now))
    session.flush()


def forget(session: Session, event_id: str) -> None:
    """Release a claimed id, so that Slack's retry of the event is handled."""
    session.execute(delete(ProcessedEvent).where(ProcessedEvent.event_id == event_id))


def forget_before(session: Session, cutoff: datetime) -> int:
    result = session.execute(delete(ProcessedEvent).where(ProcessedEvent.received_at < cutoff))
    return int(result.rowcount)  # type: ignore[attr-defined]
