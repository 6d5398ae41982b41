"""Legal hold from a customer record: set the hold on every case linked to it.

The hold itself belongs to the privacy feature (issue 10, branch feature/privacy), which adds the
flag on cases and keeps held cases from the purge; this module builds no second one. It points
at that column by name: `HOLD_COLUMN` on `Case`. Until the column exists, `hold_available()` is
False, the *Legal hold* button is not shown and `set_hold` refuses.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from storage.models import Case

HOLD_COLUMN = "legal_hold"  # issue 10's column on cases; point this at it if it is named otherwise


def _column() -> Any:
    return getattr(Case, HOLD_COLUMN, None)


def hold_available() -> bool:
    return _column() is not None


class HoldUnavailable(Exception):
    """The legal-hold column is not in this build."""


def set_hold(session: Session, case_ids: Sequence[int], hold: bool = True) -> int:
    """Set (or clear) the legal hold on `case_ids`; returns how many cases changed."""
    column = _column()
    if column is None:
        raise HoldUnavailable()
    if not case_ids:
        return 0
    result = session.execute(
        update(Case)
        .where(Case.id.in_(list(case_ids)), column.is_not(hold))
        .values({HOLD_COLUMN: hold})
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
