"""Legal hold from a customer record: set the hold on every case linked to it.

The hold itself belongs to the privacy feature (issue 10, branch feature/privacy), which adds the
flag on cases and keeps held cases from the purge; this module builds no second one. It points
at that column by name: `HOLD_COLUMN` on `Case`. Until the column exists, `hold_available()` is
False, the *Legal hold* button is not shown and `set_hold` refuses.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from storage.models import Case
from storage.repositories import customers as customers_repo

HOLD_COLUMN = "legal_hold"  # issue 10's column on cases; point this at it if it is named otherwise


def _column() -> Any:
    return getattr(Case, HOLD_COLUMN, None)


def hold_available() -> bool:
    return _column() is not None


class HoldUnavailable(Exception):
    """The legal-hold column is not in this build."""


def set_hold(
    session: Session, case_ids: Sequence[int], *, actor: str, now: datetime, hold: bool = True
) -> int:
    """Set (or clear) the legal hold on `case_ids`; returns how many cases changed. Who and when
    go into `<HOLD_COLUMN>_by` / `_at` where the privacy feature has them."""
    if _column() is None:
        raise HoldUnavailable()
    values: dict[str, Any] = {HOLD_COLUMN: hold}
    if hasattr(Case, f"{HOLD_COLUMN}_by"):
        values[f"{HOLD_COLUMN}_by"] = actor if hold else None
    if hasattr(Case, f"{HOLD_COLUMN}_at"):
        values[f"{HOLD_COLUMN}_at"] = now if hold else None
    return customers_repo.set_case_flag(session, case_ids, HOLD_COLUMN, hold, values)
