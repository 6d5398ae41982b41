"""Asking for an export (`/harassment export …`): check, audit, and queue the upload.

The request is stored first (an audit row and an outbox row in one transaction); the outbox
builds the CSV from the database at delivery time and uploads it to the requester's DM.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from bot.access import EXPORT, record_access
from bot.audit import record_refusal
from bot.clock import Clock
from bot.desk import DeskLeads, LeadsUnavailable
from bot.export import ids
from bot.export.service import WITH_TEXT, MonthRange, RangeError, parse_export_args
from storage.db import SessionFactory
from storage.repositories import cases as cases_repo
from storage.repositories import outbox as outbox_repo


@dataclass(frozen=True)
class Queued:
    span: MonthRange
    with_text: bool


@dataclass(frozen=True)
class Answer:
    code: str  # catalogue key of the private one-line answer


def request_export(
    *,
    sessions: SessionFactory,
    clock: Clock,
    today: date,
    user_id: str,
    locale: str,
    args: str,
    is_staff: Callable[[str], bool],
    is_lead: Callable[[str], bool],
) -> Queued | Answer:
    now = clock.now()
    if not is_staff(user_id):
        record_refusal(sessions, actor_user_id=user_id, action=ids.AUDIT_DENIED, now=now)
        return Answer("export.denied")
    try:
        span, with_text = parse_export_args(args, today)
    except RangeError as problem:
        return Answer(problem.code)
    if with_text and not is_lead(user_id):
        record_refusal(
            sessions,
            actor_user_id=user_id,
            action=ids.AUDIT_DENIED_TEXT,
            now=now,
            after={"range": str(span)},
        )
        return Answer("export.error.text_leads_only")
    detail = {"range": str(span), "with_text": with_text}
    with sessions.begin() as session:
        cases_repo.record_event(
            session,
            case_id=None,
            actor_user_id=user_id,
            action=ids.AUDIT_EXPORT,
            now=now,
            after=detail,
        )
        record_access(session, actor_user_id=user_id, case_id=None, action=EXPORT, at=now)
        outbox_repo.enqueue(
            session,
            kind=ids.UPLOAD,
            dedupe_key=f"export:{user_id}:{uuid.uuid4().hex}",
            payload={"user_id": user_id, "locale": locale, **detail},
            now=now,
        )
    return Queued(span, with_text)


class ExportRequests:
    """`request_export` with what it needs built once at start (a listener's service)."""

    def __init__(
        self,
        *,
        sessions: SessionFactory,
        clock: Clock,
        tz: ZoneInfo,
        is_staff: Callable[[str], bool],
        leads: DeskLeads,
        sealed: bool = False,
    ) -> None:
        self._sessions, self._clock, self._tz = sessions, clock, tz
        self._is_staff, self._leads, self._sealed = is_staff, leads, sealed

    def is_lead(self, user_id: str) -> bool:
        try:
            return user_id in self._leads.user_ids()
        except LeadsUnavailable:
            return False  # the narratives wait until the leads can be read again

    def request(self, user_id: str, locale: str, args: str) -> Queued | Answer:
        if self._sealed and WITH_TEXT in args.split() and self._is_staff(user_id):
            return Answer("export.error.text_sealed")  # texts never go into a Slack file
        return request_export(
            sessions=self._sessions,
            clock=self._clock,
            today=self._clock.now().astimezone(self._tz).date(),
            user_id=user_id,
            locale=locale,
            args=args,
            is_staff=self._is_staff,
            is_lead=self.is_lead,
        )
