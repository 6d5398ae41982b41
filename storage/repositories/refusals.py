"""Refused clicks, audited once per person, action and case with a count.

A refusal is worth recording (someone outside the desk tried a desk action), but every repeat
as its own row let one person write hundreds of rows in a run. The first refusal is a row; the
repeats add to its `after` = {"count": n, "last_at": ISO time}.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from storage.models import CaseEvent
from storage.repositories import cases as cases_repo


def record_refusal(
    session: Session, *, case_id: int | None, actor_user_id: str, action: str, now: datetime
) -> CaseEvent:
    action = action[:48]
    if session.get_bind().dialect.name == "postgresql":
        # Concurrent refusals of the same click would each find no row and insert one: take a
        # lock named after (person, action, case) for the rest of the transaction first.
        key = f"refusal:{actor_user_id}:{action}:{case_id}"
        session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": key})
    query = (
        select(CaseEvent)
        .where(
            CaseEvent.actor_user_id == actor_user_id,
            CaseEvent.action == action,
            CaseEvent.case_id.is_(None) if case_id is None else CaseEvent.case_id == case_id,
        )
        .order_by(CaseEvent.id.desc())
        .limit(1)
        .with_for_update()
    )
    existing = session.scalars(query).first()
    if existing is None:
        return cases_repo.record_event(
            session,
            case_id=case_id,
            actor_user_id=actor_user_id,
            action=action,
            now=now,
            after={"count": 1, "last_at": now.isoformat()},
        )
    count = int((existing.after or {}).get("count", 1)) + 1
    existing.after = {"count": count, "last_at": now.isoformat()}
    return existing
