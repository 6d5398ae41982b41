"""Audit events that stand alone: a refused request, with no case and nothing else to store."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from storage.db import SessionFactory
from storage.repositories import cases as cases_repo


def record_refusal(
    sessions: SessionFactory,
    *,
    actor_user_id: str,
    action: str,
    now: datetime,
    after: dict[str, Any] | None = None,
) -> None:
    """Audit a refused request in a transaction of its own: it is recorded although nothing
    else happens."""
    with sessions.begin() as session:
        cases_repo.record_event(
            session, case_id=None, actor_user_id=actor_user_id, action=action, now=now, after=after
        )
