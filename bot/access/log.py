"""The access log: one hash-chained row per read of case content.

Each row's hash is sha256 over the previous row's hash and the row's canonical fields (id,
case, actor, action, time); the first row chains onto GENESIS. `verify` walks the chain and
names the first row whose link does not hold: an edited row, a deleted one (its successor's
`prev_hash` or the ids' sequence no longer match), or a forged one.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from storage.models import AccessEntry
from storage.repositories import access as repo

OPEN_CASE = "open_case"
SHOW_NAME = "show_name"
OPEN_EVIDENCE = "open_evidence"
EXPORT = "export"
REGISTER_LOOKUP = "register_lookup"
REPORTER_OPEN = "reporter_open"
ACTIONS = frozenset({OPEN_CASE, SHOW_NAME, OPEN_EVIDENCE, EXPORT, REGISTER_LOOKUP, REPORTER_OPEN})

GENESIS = "0" * 64


def _moment(at: datetime) -> str:
    moment = at if at.tzinfo else at.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def row_hash(
    prev_hash: str, *, id: int, case_id: int | None, actor: str, action: str, at: datetime
) -> str:
    canonical = json.dumps(
        [id, case_id, actor, action, _moment(at)], ensure_ascii=True, separators=(",", ":")
    )
    return hashlib.sha256((prev_hash + canonical).encode("ascii")).hexdigest()


def record_access(
    session: Session, *, actor_user_id: str, case_id: int | None, action: str, at: datetime
) -> AccessEntry:
    """Append one row, in the caller's transaction (the read and its record commit together)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown access action {action!r}")
    repo.lock_chain(session)
    last = repo.head(session)
    prev = last.row_hash if last else GENESIS
    new_id = (last.id if last else 0) + 1
    moment = at.astimezone(UTC)
    entry = AccessEntry(
        id=new_id,
        case_id=case_id,
        actor_user_id=actor_user_id,
        action=action,
        at=moment,
        prev_hash=prev,
        row_hash=row_hash(
            prev, id=new_id, case_id=case_id, actor=actor_user_id, action=action, at=moment
        ),
    )
    repo.add(session, entry)
    return entry


@dataclass(frozen=True)
class ChainReport:
    rows: int
    broken_at: int | None  # the first row id whose link does not hold

    @property
    def intact(self) -> bool:
        return self.broken_at is None


def verify(session: Session) -> ChainReport:
    prev = GENESIS
    expected_id = 1
    count = 0
    for entry in repo.in_order(session):
        computed = row_hash(
            prev,
            id=entry.id,
            case_id=entry.case_id,
            actor=entry.actor_user_id,
            action=entry.action,
            at=entry.at,
        )
        if entry.id != expected_id or entry.prev_hash != prev or entry.row_hash != computed:
            return ChainReport(rows=count, broken_at=entry.id)
        prev = entry.row_hash
        expected_id += 1
        count += 1
    return ChainReport(rows=count, broken_at=None)
