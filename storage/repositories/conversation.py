"""Queries of the case conversation: threads, messages, unread counts, evidence files."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from storage.models import (
    Case,
    CaseMessage,
    ConversationThread,
    EvidenceFile,
    OutboxMessage,
    OutboxStatus,
)

RECEIPT_KIND = "report.reporter_dm"  # bot.report.service.REPORTER_DM (storage must not import bot)


def thread(session: Session, case_id: int) -> ConversationThread | None:
    return session.get(ConversationThread, case_id)


def ensure_thread(session: Session, case_id: int, now: datetime) -> ConversationThread | None:
    """The case's DM thread: the receipt DM, once it has been delivered (else None)."""
    existing = session.get(ConversationThread, case_id)
    if existing is not None:
        return existing
    receipt = session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.case_id == case_id,
            OutboxMessage.kind == RECEIPT_KIND,
            OutboxMessage.status == OutboxStatus.DONE,
        )
    ).first()
    if receipt is None or not receipt.result_channel or not receipt.result_ts:
        return None
    # Two DMs of the same reporter may find the thread at once: insert-or-ignore, then read.
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    session.execute(
        insert(ConversationThread)
        .values(
            case_id=case_id,
            dm_channel=receipt.result_channel,
            thread_ts=receipt.result_ts,
            created_at=now,
        )
        .on_conflict_do_nothing()
    )
    return session.get(ConversationThread, case_id)


def case_for_thread(
    session: Session, reporter_user_id: str, channel: str, thread_ts: str, now: datetime
) -> Case | None:
    """The reporter's case whose DM thread is `thread_ts` (known threads first, then the
    receipts of their own cases: a case filed before its thread was first used)."""
    known = session.scalars(
        select(ConversationThread).where(ConversationThread.thread_ts == thread_ts)
    ).first()
    if known is not None:
        case = session.get(Case, known.case_id)
        return case if case is not None and case.reporter_user_id == reporter_user_id else None
    for case in reporter_cases(session, reporter_user_id):
        row = ensure_thread(session, case.id, now)
        if row is not None and row.thread_ts == thread_ts and row.dm_channel == channel:
            return case
    return None


def reporter_cases(session: Session, reporter_user_id: str) -> Sequence[Case]:
    return session.scalars(
        select(Case).where(Case.reporter_user_id == reporter_user_id).order_by(Case.id)
    ).all()


def add_message(session: Session, message: CaseMessage) -> CaseMessage:
    session.add(message)
    session.flush()
    return message


def message(session: Session, message_id: int) -> CaseMessage | None:
    return session.get(CaseMessage, message_id)


def is_own_dm(session: Session, user_id: str, channel: str) -> bool:
    """Whether `channel` can be `user_id`'s DM with the bot: an IM id that no other person's
    receipt was delivered to, and the one their own receipts went to once they have any."""
    if not channel.startswith("D"):
        return False
    owners = session.execute(
        select(Case.reporter_user_id, OutboxMessage.result_channel)
        .join(Case, Case.id == OutboxMessage.case_id)
        .where(
            OutboxMessage.kind == RECEIPT_KIND,
            OutboxMessage.result_channel.is_not(None),
            (OutboxMessage.result_channel == channel) | (Case.reporter_user_id == user_id),
        )
        .limit(20)
    ).all()
    return all(owner == user_id and dm == channel for owner, dm in owners)


def by_source(session: Session, channel: str, ts: str) -> CaseMessage | None:
    return session.scalars(
        select(CaseMessage).where(
            CaseMessage.source_channel == channel, CaseMessage.source_ts == ts
        )
    ).first()


def messages_of(session: Session, case_id: int) -> Sequence[CaseMessage]:
    return session.scalars(
        select(CaseMessage).where(CaseMessage.case_id == case_id).order_by(CaseMessage.id)
    ).all()


def unread_count(session: Session, case_id: int) -> int:
    return int(
        session.scalar(
            select(func.count())
            .select_from(CaseMessage)
            .where(
                CaseMessage.case_id == case_id,
                CaseMessage.direction == "in",
                CaseMessage.read_at.is_(None),
                CaseMessage.deleted_at.is_(None),
            )
        )
        or 0
    )


def mark_read(session: Session, case_id: int, now: datetime) -> int:
    result = session.execute(
        update(CaseMessage)
        .where(
            CaseMessage.case_id == case_id,
            CaseMessage.direction == "in",
            CaseMessage.read_at.is_(None),
        )
        .values(read_at=now)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def forget_unrouted(session: Session, before: datetime) -> int:
    """Messages never assigned to a case (the reporter did not pick one) are not kept."""
    rows = session.scalars(
        select(CaseMessage).where(CaseMessage.case_id.is_(None), CaseMessage.created_at < before)
    ).all()
    for row in rows:
        session.delete(row)
    return len(rows)


def add_evidence(session: Session, evidence: EvidenceFile) -> EvidenceFile | None:
    """Add a file once per case (a retried event or a file sent twice is one record)."""
    exists = session.scalars(
        select(EvidenceFile.id).where(
            EvidenceFile.case_id == evidence.case_id,
            EvidenceFile.source_file_id == evidence.source_file_id,
        )
    ).first()
    if exists is not None:
        return None
    session.add(evidence)
    session.flush()
    return evidence


def evidence(session: Session, evidence_id: int) -> EvidenceFile | None:
    return session.get(EvidenceFile, evidence_id)


def evidence_of(session: Session, case_id: int) -> Sequence[EvidenceFile]:
    return session.scalars(
        select(EvidenceFile).where(EvidenceFile.case_id == case_id).order_by(EvidenceFile.id)
    ).all()


def slack_objects_for_purge(session: Session, case_id: int) -> dict[str, list[Any]]:
    """What a case purge must delete in Slack besides the rows (which cascade with the case):
    the bot's file copies in the case thread (`files.delete`), and the bot's posts in the
    reporter's DM (receipt, desk messages, consent request, notices: `chat.delete` with the
    D... channel) and in the desk channel (case message and thread). The reporter's own DM
    messages cannot be deleted by the bot (`cant_delete_message`); they stay in their DM."""
    files = [
        e.copy_file_id
        for e in session.scalars(select(EvidenceFile).where(EvidenceFile.case_id == case_id))
        if e.copy_file_id
    ]
    posts = session.execute(
        select(OutboxMessage.result_channel, OutboxMessage.result_ts).where(
            OutboxMessage.case_id == case_id,
            OutboxMessage.result_ts.is_not(None),
        )
    ).all()
    dm = sorted({(c, ts) for c, ts in posts if c and ts and c.startswith("D")})
    desk = sorted({(c, ts) for c, ts in posts if c and ts and not c.startswith("D")})
    return {
        "files": files,
        "dm_posts": [list(p) for p in dm],
        "desk_posts": [list(p) for p in desk],
    }
