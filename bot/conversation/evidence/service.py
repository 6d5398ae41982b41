"""Taking evidence into a case: one row per file (never the bytes) and one copy job each."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.conversation import ids
from bot.conversation.evidence.rules import (
    MAX_FILES,
    OfferedFile,
    neutral_name,
    offered,
    refusal,
)
from storage.models import EvidenceFile
from storage.repositories import conversation as conversation_repo
from storage.repositories import outbox as outbox_repo


@dataclass(frozen=True)
class Refused:
    name: str  # as the reporter named it (control and bidi characters removed)
    reason: str  # catalogue suffix under evidence.refusal.
    desk_name: str  # what the desk sees: `evidence-<n>` on an anonymous case


def offered_files(raw_files: Iterable[Any]) -> list[OfferedFile]:
    files = [offered(raw) for raw in raw_files if isinstance(raw, dict)]
    return [f for f in files if f is not None]


def as_stored(files: Sequence[OfferedFile]) -> list[dict[str, Any]]:
    """How a message keeps the files it came with (to take them in once a case is chosen)."""
    return [
        {
            "id": f.file_id,
            "name": f.name,
            "mimetype": f.mimetype,
            "filetype": f.filetype,
            **({"size": f.size} if f.size is not None else {"file_access": "check_file_info"}),
            **({"url_private_download": f.url} if f.url else {}),
        }
        for f in files
    ]


def accept_files(
    session: Session,
    *,
    case_id: int,
    message_id: int | None,
    files: Sequence[OfferedFile],
    now: datetime,
    anonymous: bool,
) -> list[Refused]:
    """Record each file and queue its copy into the case thread; refuse (and say why) what is
    empty, over 10 MB, of a refused type or beyond the 10th. Stubs are checked at copy time."""
    refused: list[Refused] = []
    for index, file in enumerate(files):
        reason = "too_many" if index >= MAX_FILES else None
        if reason is None and not file.is_stub:
            reason = refusal(file.name, file.filetype, file.size or 0)
        row = conversation_repo.add_evidence(
            session,
            EvidenceFile(
                case_id=case_id,
                message_id=message_id,
                source_file_id=file.file_id,
                source_url=file.url,
                name=file.name,
                mimetype=file.mimetype,
                size=file.size or 0,
                status="refused" if reason else "pending",
                refusal=reason,
                metadata_stripped=False,
                created_at=now,
            ),
        )
        if row is None:
            continue  # the same file again (a retried event): one record, one copy
        if reason:
            name = file.name or file.file_id
            if anonymous:
                place = conversation_repo.evidence_ordinals(session, case_id)[file.file_id]
                refused.append(Refused(name, reason, neutral_name(place)))
            else:
                refused.append(Refused(name, reason, name))
            continue
        outbox_repo.enqueue(
            session,
            kind=ids.EVIDENCE_COPY,
            dedupe_key=f"evidence:{row.id}:copy",
            case_id=case_id,
            payload={"evidence_id": row.id},
            now=now,
        )
    return refused
