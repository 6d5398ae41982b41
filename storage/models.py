"""SQLAlchemy 2.0 typed models. Times are stored in UTC (`timezone=True`)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class UTCDateTime(TypeDecorator[datetime]):
    """Always hands back aware UTC datetimes, also on SQLite (which stores no offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSON,
        list[str]: JSON,
    }


class CaseStatus:
    NEW = "new"
    ACKNOWLEDGED = "acknowledged"
    ESCALATED = "escalated"
    RESOLVED = "resolved"
    WITHDRAWN = "withdrawn"  # the reporter withdrew it; closed like resolved


class Case(Base):
    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(32), unique=True)
    # Something Slack repeats when it resends a submission: a duplicate returns this case.
    submission_key: Mapped[str] = mapped_column(String(128), unique=True)
    reporter_user_id: Mapped[str] = mapped_column(String(32), index=True)
    reporter_locale: Mapped[str] = mapped_column(String(8))
    identity: Mapped[str] = mapped_column(String(16))  # "named" | "anonymous"
    categories: Mapped[list[str]] = mapped_column(JSON)
    occurred_at: Mapped[datetime]
    contact_channel: Mapped[str] = mapped_column(String(32))
    customer_type: Mapped[str] = mapped_column(String(32))
    narrative: Mapped[str] = mapped_column(Text)
    demands: Mapped[str] = mapped_column(Text, default="")
    witnesses: Mapped[str] = mapped_column(Text, default="")
    injury: Mapped[str] = mapped_column(Text, default="")
    immediate_action: Mapped[str] = mapped_column(Text, default="")
    wants: Mapped[str] = mapped_column(Text, default="")
    in_danger: Mapped[bool] = mapped_column(Boolean, default=False)
    checkins_wanted: Mapped[bool] = mapped_column(Boolean, default=True)
    police_consent: Mapped[bool] = mapped_column(Boolean, default=False)
    source_permalink: Mapped[str | None] = mapped_column(String(512))
    # The form's optional *Where did it happen* and *Who was the customer, if known*.
    location: Mapped[str | None] = mapped_column(Text)
    customer_text: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default=CaseStatus.NEW)
    # Optimistic concurrency: every change bumps it, a change based on an old version is refused.
    version: Mapped[int] = mapped_column(Integer, default=1)
    assignee_user_id: Mapped[str | None] = mapped_column(String(32))
    escalated_to: Mapped[str | None] = mapped_column(String(32))
    resolution: Mapped[str | None] = mapped_column(String(32))
    desk_channel_id: Mapped[str] = mapped_column(String(32))
    desk_message_ts: Mapped[str | None] = mapped_column(String(32))
    # sha256 of the case message as Slack last took it (bot.report.renderers.message_digest)
    desk_message_digest: Mapped[str | None] = mapped_column(String(64))
    sla_stage: Mapped[int] = mapped_column(Integer, default=0)
    sla_due_at: Mapped[datetime | None]
    sla_claimed_until: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    acknowledged_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    # Legal hold: the retention purge skips the case while it is set; who set it and
    # when are kept with it (and the change is audited).
    legal_hold: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    legal_hold_by: Mapped[str | None] = mapped_column(String(32))
    legal_hold_at: Mapped[datetime | None]

    events: Mapped[list[CaseEvent]] = relationship(
        back_populates="case", order_by="CaseEvent.id", cascade="all, delete-orphan"
    )

    __table_args__ = (Index("ix_cases_status_sla_due", "status", "sla_due_at"),)


class CaseEvent(Base):
    """The audit trail: who did what to which case, when, with the state before and after."""

    __tablename__ = "case_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    actor_user_id: Mapped[str] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(48))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]

    case: Mapped[Case | None] = relationship(back_populates="events")

    __table_args__ = (Index("ix_case_events_case_id", "case_id"),)


class OutboxStatus:
    PENDING = "pending"
    SENDING = "sending"
    DONE = "done"
    FAILED = "failed"


class OutboxMessage(Base):
    """A Slack side effect, written in the same transaction as the change that caused it."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(String(191), unique=True)
    kind: Mapped[str] = mapped_column(String(48))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), default=OutboxStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime]
    claimed_until: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(255))
    result_channel: Mapped[str | None] = mapped_column(String(32))
    result_ts: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime]
    delivered_at: Mapped[datetime | None]

    __table_args__ = (
        Index("ix_outbox_status_next_attempt", "status", "next_attempt_at"),
        Index("ix_outbox_case_id", "case_id"),
    )


class CheckInStatus:
    SCHEDULED = "scheduled"
    SENT = "sent"
    ANSWERED = "answered"
    CANCELLED = "cancelled"


class CheckIn(Base):
    __tablename__ = "checkins"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(String(32))
    sequence: Mapped[int] = mapped_column(Integer)
    due_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16), default=CheckInStatus.SCHEDULED)
    claimed_until: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    message_channel: Mapped[str | None] = mapped_column(String(32))
    message_ts: Mapped[str | None] = mapped_column(String(32))
    response: Mapped[str | None] = mapped_column(String(16))
    responded_at: Mapped[datetime | None]
    created_at: Mapped[datetime]

    __table_args__ = (
        Index("ix_checkins_status_due", "status", "due_at"),
        Index("ix_checkins_case_id", "case_id"),
    )


class SlackUser(Base):
    """Cache of users.info: the locale and time zone that pick language and local hours."""

    __tablename__ = "slack_users"

    user_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    locale: Mapped[str | None] = mapped_column(String(16))
    tz: Mapped[str | None] = mapped_column(String(64))
    fetched_at: Mapped[datetime]


class HomeViewer(Base):
    """People who have opened the App Home: only their homes are refreshed when cases change."""

    __tablename__ = "home_viewers"

    user_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    opened_at: Mapped[datetime]


class ProcessedEvent(Base):
    """Event ids already handled: Slack retries events and Bolt does not de-duplicate."""

    __tablename__ = "processed_events"

    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(index=True)


class ReferenceCounter(Base):
    """Per-year sequence behind human case references such as CH-2026-0042."""

    __tablename__ = "reference_counters"

    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[int] = mapped_column(Integer)


# --- conversation and evidence -------------------------------------------------------------------


class ConversationThread(Base):
    """Where a case's conversation with the reporter lives in their DM: the thread under the
    receipt DM. Also the identity-consent state (the desk asked; the reporter answered)."""

    __tablename__ = "conversation_threads"

    case_id: Mapped[int] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    dm_channel: Mapped[str] = mapped_column(String(32))
    thread_ts: Mapped[str] = mapped_column(String(32), unique=True)
    consent_state: Mapped[str | None] = mapped_column(String(16))  # asked | shared | declined
    consent_asked_by: Mapped[str | None] = mapped_column(String(32))
    consent_message_ts: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime]


class CaseMessage(Base):
    """One message of a case's conversation. `direction`: "in" (reporter -> desk) or "out"
    (desk -> reporter). `source_*` is the reporter's own Slack message (for edits, deletions
    and the delivered mark), `copy_*` the bot's post of it: in the case thread for "in", in the
    reporter's DM thread for "out" (`desk_copy_ts` is the desk thread's copy of an "out").
    `case_id` is null only while the reporter is asked which of their cases a DM is about."""

    __tablename__ = "case_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    reporter_user_id: Mapped[str] = mapped_column(String(32))
    direction: Mapped[str] = mapped_column(String(8))
    author_kind: Mapped[str] = mapped_column(String(16))  # reporter | desk
    kind: Mapped[str] = mapped_column(String(16), default="message")  # message | details
    desk_author_id: Mapped[str | None] = mapped_column(String(32))
    signed: Mapped[bool] = mapped_column(Boolean, default=False)
    text: Mapped[str] = mapped_column(Text, default="")
    # The files offered with it (id, name, type, size, url), for evidence and the thread.
    files: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    source_channel: Mapped[str | None] = mapped_column(String(32))
    source_ts: Mapped[str | None] = mapped_column(String(32))
    copy_channel: Mapped[str | None] = mapped_column(String(32))
    copy_ts: Mapped[str | None] = mapped_column(String(32))
    desk_copy_ts: Mapped[str | None] = mapped_column(String(32))
    revision: Mapped[int] = mapped_column(Integer, default=0)
    edited_at: Mapped[datetime | None]
    deleted_at: Mapped[datetime | None]
    read_at: Mapped[datetime | None]
    created_at: Mapped[datetime]

    __table_args__ = (
        # Slack retries events: the reporter's message is stored once.
        UniqueConstraint("source_channel", "source_ts", name="uq_case_messages_source"),
        Index("ix_case_messages_case_id", "case_id"),
    )


class EvidenceFile(Base):
    """A file the reporter gave (form or DM thread). Never the bytes: the name, size, type,
    SHA-256 of what the reporter sent and of the copy, and the Slack id of the bot's copy in
    the case thread (which retention deletes with files.delete)."""

    __tablename__ = "evidence_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    message_id: Mapped[int | None] = mapped_column(
        ForeignKey("case_messages.id", ondelete="CASCADE")
    )
    source_file_id: Mapped[str] = mapped_column(String(32))
    source_url: Mapped[str | None] = mapped_column(Text)
    name: Mapped[str] = mapped_column(Text, default="")
    mimetype: Mapped[str] = mapped_column(String(128), default="")
    size: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(16))  # pending | copied | refused
    refusal: Mapped[str | None] = mapped_column(String(32))
    sha256: Mapped[str | None] = mapped_column(String(64))
    copy_sha256: Mapped[str | None] = mapped_column(String(64))
    metadata_stripped: Mapped[bool] = mapped_column(Boolean, default=False)
    copy_file_id: Mapped[str | None] = mapped_column(String(32))
    copy_channel: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime]
    copied_at: Mapped[datetime | None]

    __table_args__ = (
        UniqueConstraint("case_id", "source_file_id", name="uq_evidence_case_source"),
        Index("ix_evidence_files_case_id", "case_id"),
    )


# ── awareness: weekly awareness posts and who clicked "Got it" ───────────────────────────────────


class AwarenessPost(Base):
    """One weekly awareness post; `slot_at` is unique, so each slot is posted once by anyone."""

    __tablename__ = "awareness_posts"

    id: Mapped[int] = mapped_column(primary_key=True)
    slot_at: Mapped[datetime] = mapped_column(unique=True)
    item_key: Mapped[str] = mapped_column(String(64))
    sequence: Mapped[int] = mapped_column(Integer)
    channel_id: Mapped[str] = mapped_column(String(32))
    message_ts: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime]


class AwarenessRead(Base):
    """Someone clicked "Got it" on a post. Only clicks are stored: never who did not click."""

    __tablename__ = "awareness_reads"

    post_id: Mapped[int] = mapped_column(
        ForeignKey("awareness_posts.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    read_at: Mapped[datetime]


__all__ = [
    "AwarenessPost",
    "AwarenessRead",
    "Base",
    "Case",
    "CaseEvent",
    "CaseMessage",
    "CaseStatus",
    "CheckIn",
    "CheckInStatus",
    "ConversationThread",
    "EvidenceFile",
    "HomeViewer",
    "OutboxMessage",
    "OutboxStatus",
    "ProcessedEvent",
    "ReferenceCounter",
    "SlackUser",
    "StaffGeneration",
    "UrgentPing",
]


# --- insight and deterrence (where/who on the form, customer register) ---------------------------


class Customer(Base):
    """A customer record in the register (desk only). Never holds anything about a reporter."""

    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(primary_key=True)
    display_name: Mapped[str] = mapped_column(Text)
    # A record merged into another points at it; it keeps no identifiers, cases or measures.
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"))
    created_by: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    identifiers: Mapped[list[CustomerIdentifier]] = relationship(
        back_populates="customer", order_by="CustomerIdentifier.id", cascade="all, delete-orphan"
    )
    links: Mapped[list[CustomerCase]] = relationship(
        back_populates="customer", order_by="CustomerCase.linked_at", cascade="all, delete-orphan"
    )
    measures: Mapped[list[CustomerMeasure]] = relationship(
        back_populates="customer", order_by="CustomerMeasure.id", cascade="all, delete-orphan"
    )


class CustomerIdentifier(Base):
    __tablename__ = "customer_identifiers"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16))  # phone | email | text
    # The matching key, sealed like the text; lookups go through `lookup`, its blind index
    # (HMAC-SHA256, storage.encryption.KeyRing.lookup), never through a clear column.
    normalized: Mapped[str] = mapped_column(Text)
    lookup: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime]

    customer: Mapped[Customer] = relationship(back_populates="identifiers")

    __table_args__ = (UniqueConstraint("customer_id", "lookup", name="uq_customer_identifier"),)


class CustomerCase(Base):
    """A case linked to a customer: a case belongs to at most one customer."""

    __tablename__ = "customer_cases"

    case_id: Mapped[int] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), index=True
    )
    linked_by: Mapped[str] = mapped_column(String(32))
    linked_at: Mapped[datetime]

    customer: Mapped[Customer] = relationship(back_populates="links")


class MeasureKind:
    WARNING = "warning"
    SERVICE_REFUSED = "service_refused"
    BANNED = "banned"  # 出入禁止: from `starts_on`, until `ends_on` (None = indefinitely)
    POLICE_REPORT = "police_report"
    LEGAL_ACTION = "legal_action"
    ALL = (WARNING, SERVICE_REFUSED, BANNED, POLICE_REPORT, LEGAL_ACTION)


class CustomerMeasure(Base):
    __tablename__ = "customer_measures"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(32))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    recorded_by: Mapped[str] = mapped_column(String(32))
    recorded_at: Mapped[datetime]

    customer: Mapped[Customer] = relationship(back_populates="measures")


class CustomerAudit(Base):
    """Every read and change of the register: who, what, when. Survives the record's purge."""

    __tablename__ = "customer_audit"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int | None] = mapped_column(Integer, index=True)
    actor_user_id: Mapped[str] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(48))
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime]


__all__ += [
    "Customer",
    "CustomerAudit",
    "CustomerCase",
    "CustomerIdentifier",
    "CustomerMeasure",
    "MeasureKind",
]


class MonthlyReportSlot(Base):
    """One row per month whose automatic report was queued: once across restarts and replicas."""

    __tablename__ = "monthly_report_slots"

    month: Mapped[str] = mapped_column(String(7), primary_key=True)  # "2026-11"
    queued_at: Mapped[datetime]


__all__ += ["MonthlyReportSlot"]


# --- privacy -------------------------------------------------------------------------------------


class StaffGeneration(Base):
    """One row: bumped whenever desk membership changes, so every replica drops its cached
    member list within one check (a `member_left_channel` event reaches only one replica)."""

    __tablename__ = "desk_staff_generation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    value: Mapped[int] = mapped_column(Integer)
    changed_at: Mapped[datetime]


class UrgentPing(Base):
    """An urgent report that mentioned the desk (DESK_MENTION). At most one per reporter per
    URGENT_PING_WINDOW: the others are shown as another urgent report from the same person."""

    __tablename__ = "urgent_pings"

    case_id: Mapped[int] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    reporter_user_id: Mapped[str] = mapped_column(String(32), index=True)
    pinged_at: Mapped[datetime]


# --- access log ----------------------------------------------------------------------------------


class AccessEntry(Base):
    """One read of case content (who, which case, what, when), append-only and hash-chained:
    `row_hash` is sha256 of the previous row's hash and this row's canonical fields, so a row
    changed or deleted in the database breaks the chain (`harassment-desk audit verify`). Ids
    are given in order by the writer holding the chain's lock. No foreign key: the log outlives
    the case's purge."""

    __tablename__ = "access_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    case_id: Mapped[int | None] = mapped_column(Integer, index=True)
    actor_user_id: Mapped[str] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime]
    prev_hash: Mapped[str] = mapped_column(String(64))
    row_hash: Mapped[str] = mapped_column(String(64))


__all__ += ["AccessEntry"]


# --- restricted cases ----------------------------------------------------------------------------


class CaseRestriction(Base):
    """A case a desk lead kept to named handlers (`CaseHandler`) and the leads."""

    __tablename__ = "case_restrictions"

    case_id: Mapped[int] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    restricted_by: Mapped[str] = mapped_column(String(32))
    restricted_at: Mapped[datetime]


class CaseHandler(Base):
    """A desk member who may see and act on a restricted case (named by a lead, or let in on
    an approved request for access)."""

    __tablename__ = "case_handlers"

    case_id: Mapped[int] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    added_at: Mapped[datetime]


class CaseExclusion(Base):
    """A desk member the reporter named on the form as someone who must never see the case.
    Names of people, private to the case: kept apart from the case row."""

    __tablename__ = "case_exclusions"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    # Sealed with the case's key (storage/encryption.py): whom a reporter distrusts is theirs.
    user_id: Mapped[str] = mapped_column(Text)


class AccessRequestStatus:
    PENDING = "pending"
    APPROVED = "approved"
    DECLINED = "declined"


class AccessRequest(Base):
    """*Ask for access* on a restricted case: a lead approves (the asker becomes a handler) or
    declines."""

    __tablename__ = "access_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default=AccessRequestStatus.PENDING)
    requested_at: Mapped[datetime]
    decided_by: Mapped[str | None] = mapped_column(String(32))
    decided_at: Mapped[datetime | None]


# --- encryption at rest (storage/crypto.py, storage/encryption.py) -------------------------------


KEYSTORE = "keystore"


class DataKey(Base):
    """A case's (or customer record's) data key, wrapped by the key-encryption key. Deleting
    the row shreds the subject: its sealed rows, wherever a copy of them lies, are noise.

    The keys live apart from the rows they open, in the `keystore` schema: on SQLite its own
    file beside the database (`desk.db.keys`, attached to every connection), so a copy of the
    database file made before a purge holds no key; on PostgreSQL a schema that backups dump
    apart (docs/operators.md, Keys)."""

    __tablename__ = "data_keys"
    __table_args__ = {"schema": KEYSTORE}  # noqa: RUF012

    subject: Mapped[str] = mapped_column(String(16), primary_key=True)  # case | customer | loose
    subject_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    wrapped: Mapped[str] = mapped_column(Text)
    kek_id: Mapped[str] = mapped_column(String(32))  # which key-encryption key wrapped it
    created_at: Mapped[datetime]


class EncryptionState(Base):
    """One row: the check value of the key-encryption key that opens this database (another
    key is refused at start) and the wrapped secret the blind index is derived from."""

    __tablename__ = "encryption_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    kek_id: Mapped[str] = mapped_column(String(32))
    index_secret: Mapped[str] = mapped_column(Text)
    # Set while `keys rotate` runs: the key being rotated to (a rerun finishes the job).
    rotating_to: Mapped[str | None] = mapped_column(String(32))
    changed_at: Mapped[datetime]


__all__ += ["DataKey", "EncryptionState"]


# --- handling: the four steps after a consultation, answers owed to the reporter ------------------


class CaseFacts(Base):
    """Fact-finding (事実関係の確認) recorded by the desk: checklists, one row per entry."""

    __tablename__ = "case_facts"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    confirmed: Mapped[list[str]] = mapped_column(JSON)  # what was confirmed
    methods: Mapped[list[str]] = mapped_column(JSON)  # how
    with_whom: Mapped[list[str]] = mapped_column(JSON)  # with whom
    notes: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[str] = mapped_column(String(32))
    recorded_at: Mapped[datetime]


class CaseCare(Base):
    """Care for the person harmed (被害者への配慮): what was offered and what they accepted."""

    __tablename__ = "case_care"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    offered: Mapped[list[str]] = mapped_column(JSON)
    accepted: Mapped[list[str]] = mapped_column(JSON)
    notes: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[str] = mapped_column(String(32))
    recorded_at: Mapped[datetime]


class CaseMeasure(Base):
    """A measure toward the customer taken for this case: a row of the register's measures."""

    __tablename__ = "case_measures"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    measure_id: Mapped[int | None] = mapped_column(
        ForeignKey("customer_measures.id", ondelete="SET NULL")
    )
    kind: Mapped[str] = mapped_column(String(32))
    recorded_by: Mapped[str] = mapped_column(String(32))
    recorded_at: Mapped[datetime]


class PreventionStatus:
    OPEN = "open"
    DONE = "done"


class PreventionAction(Base):
    """Preventing recurrence (再発防止): an action with an owner and a due time. The reminder is
    claimed once (`reminded_at` set by a conditional UPDATE) across replicas and restarts."""

    __tablename__ = "prevention_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    owner_user_id: Mapped[str] = mapped_column(String(32))
    due_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16), default=PreventionStatus.OPEN)
    reminded_at: Mapped[datetime | None]
    done_by: Mapped[str | None] = mapped_column(String(32))
    done_at: Mapped[datetime | None]
    created_by: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime]

    __table_args__ = (Index("ix_prevention_status_due", "status", "due_at"),)


class StopRequest(Base):
    """ "Stop dealing with this customer" (対応の打ち切り): asked by one desk member, confirmed by
    another; the confirmation records the register's service_refused measure."""

    __tablename__ = "stop_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    customer_id: Mapped[int] = mapped_column(Integer)
    requested_by: Mapped[str] = mapped_column(String(32))
    requested_at: Mapped[datetime]
    confirmed_by: Mapped[str | None] = mapped_column(String(32))
    confirmed_at: Mapped[datetime | None]
    measure_id: Mapped[int | None] = mapped_column(Integer)


class AnswerReminder(Base):
    """One row per reminder that an answer to the reporter is falling due: inserted once."""

    __tablename__ = "answer_reminders"

    case_id: Mapped[int] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)  # ack | feedback
    created_at: Mapped[datetime]


class SurveyAnswer(Base):
    """The reporter's answer to the closing survey; only ever shown in aggregate."""

    __tablename__ = "survey_answers"

    case_id: Mapped[int] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    supported: Mapped[int] = mapped_column(Integer)  # 1-5
    consult_again: Mapped[int] = mapped_column(Integer)  # 1-5
    comment: Mapped[str] = mapped_column(Text, default="")
    answered_at: Mapped[datetime]


class CooperationRequest(Base):
    """A cooperation request (Art. 33(3)) made to or received from another company."""

    __tablename__ = "cooperation_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int | None] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), index=True
    )
    customer_id: Mapped[int | None] = mapped_column(Integer, index=True)
    direction: Mapped[str] = mapped_column(String(16))  # made | received
    company: Mapped[str] = mapped_column(Text)
    requested_on: Mapped[date] = mapped_column(Date)
    asked: Mapped[str] = mapped_column(Text)
    answered: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[str] = mapped_column(String(32))
    recorded_at: Mapped[datetime]


__all__ += [
    "AnswerReminder",
    "CaseCare",
    "CaseFacts",
    "CaseMeasure",
    "CooperationRequest",
    "PreventionAction",
    "PreventionStatus",
    "StopRequest",
    "SurveyAnswer",
]
