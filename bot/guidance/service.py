"""What a new case sets off in guidance: the desk's recommended response, queued with the case."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.guidance.ids import DESK_THREAD
from storage.models import Case
from storage.repositories import outbox as outbox_repo


def dedupe_key(case_id: int) -> str:
    return f"case:{case_id}:guidance"


def enqueue_desk_guidance(session: Session, case: Case, now: datetime) -> None:
    """Report hook: runs in the report's transaction, so the row exists exactly with the case."""
    outbox_repo.enqueue(
        session, kind=DESK_THREAD, dedupe_key=dedupe_key(case.id), case_id=case.id, now=now
    )
