"""Claiming due rows so that two ticks, threads or replicas never take the same row.

PostgreSQL: `SELECT … FOR UPDATE SKIP LOCKED` picks rows nobody else holds. Everywhere (SQLite
included) the claim itself is a conditional `UPDATE … WHERE <still claimable>`, so a row claimed
by someone else in between is simply not ours.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.orm import InstrumentedAttribute, Session


def claim_rows(
    session: Session,
    model: Any,
    *,
    claimable: ColumnElement[bool],
    order_by: InstrumentedAttribute[Any],
    limit: int,
    claim_values: dict[str, Any],
) -> list[int]:
    """Claim up to `limit` rows matching `claimable`; returns the ids now ours."""
    query = select(model.id).where(claimable).order_by(order_by).limit(limit)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    candidates: Sequence[int] = session.scalars(query).all()
    claimed: list[int] = []
    for row_id in candidates:
        result = session.execute(
            update(model)
            .where(model.id == row_id, claimable)
            .values(**claim_values)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount == 1:  # type: ignore[attr-defined]
            claimed.append(row_id)
    return claimed
