"""SQLAlchemy 2.0 typed models. Times are stored in UTC (`timezone=True`)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
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
    status: Mapped[str] = mapped_column(String(16), default=CaseStatus.NEW)
    # Optimistic concurrency: every change bumps it, a change based on an old version is refused.
    version: Mapped[int] = mapped_column(Integer, default=1)
    assignee_user_id: Mapped[str | None] = mapped_column(String(32))
    escalated_to: Mapped[str | None] = mapped_column(String(32))
    resolution: Mapped[str | None] = mapped_column(String(32))
    desk_channel_id: Mapped[str] = mapped_column(String(32))
    desk_message_ts: Mapped[str | None] = mapped_column(String(32))
    sla_stage: Mapped[int] = mapped_column(Integer, default=0)
    sla_due_at: Mapped[datetime | None]
    sla_claimed_until: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    acknowledged_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    # Legal hold (issue 10): the retention purge skips the case while it is set; who set it and
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


__all__ = [
    "Base",
    "Case",
    "CaseEvent",
    "CaseStatus",
    "CheckIn",
    "CheckInStatus",
    "HomeViewer",
    "OutboxMessage",
    "OutboxStatus",
    "ProcessedEvent",
    "ReferenceCounter",
    "SlackUser",
    "StaffGeneration",
    "UrgentPing",
]


# --- privacy (issue 10) ------------------------------------------------------------------------


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
