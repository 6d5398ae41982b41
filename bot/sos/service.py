"""SOS rules: a case stored at once through the ordinary report path, marked in danger.

The SOS goes through `record_report` with `in_danger=True`, exactly like a form report that
answered "yes, I need help now": the same transaction stores the case, its audit event and the
urgent desk message (with DESK_MENTION) in the outbox, and the report hooks (check-ins, home
refreshes, thread guidance, and any urgent-ping throttle added to that path) apply unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.clock import Clock
from bot.i18n import t
from bot.report import (
    IDENTITY_CHOICES,
    TEXT_FIELDS,
    UNKNOWN,
    RecordedReport,
    ReportDraft,
    ReportHook,
    ReportPolicy,
    enqueue_case_update,
    record_report,
)
from bot.sos import ids
from storage.db import SessionFactory
from storage.models import Case, CaseStatus
from storage.repositories import cases as cases_repo
from storage.repositories import outbox as outbox_repo


def sos_draft(*, identity: str, desk_locale: str, now: datetime) -> ReportDraft:
    return ReportDraft(
        categories=(),
        occurred_at=now,
        contact_channel=UNKNOWN,
        customer_type=UNKNOWN,
        texts={
            field.block_id: t("sos.narrative", desk_locale) if field.block_id == "narrative" else ""
            for field in TEXT_FIELDS
        },
        in_danger=True,
        identity=identity if identity in IDENTITY_CHOICES else "anonymous",
        checkins_wanted=True,
        police_consent=False,
        source_permalink=None,
    )


def _audit_sos(session: Session, case: Case, now: datetime) -> None:
    cases_repo.record_event(
        session, case_id=case.id, actor_user_id=case.reporter_user_id, action="sos", now=now
    )


def raise_sos(
    sessions: SessionFactory,
    *,
    user_id: str,
    locale: str,
    identity: str,
    submission_key: str,
    policy: ReportPolicy,
    desk_locale: str,
    now: datetime,
    hooks: Sequence[ReportHook] = (),
) -> RecordedReport:
    """Store the SOS as an in-danger case once (a repeated key returns the same case)."""
    return record_report(
        sessions,
        draft=sos_draft(identity=identity, desk_locale=desk_locale, now=now),
        reporter_user_id=user_id,
        reporter_locale=locale,
        submission_key=f"{SOS_KEY_PREFIX}{submission_key}",
        policy=policy,
        now=now,
        hooks=(*hooks, _audit_sos),
    )


SOS_KEY_PREFIX = "sos:"
OPEN_STATUSES = (CaseStatus.NEW, CaseStatus.ACKNOWLEDGED, CaseStatus.ESCALATED)
# What the form replaces on the SOS case, kept as it was in the audit event (the before-image).
_REPLACED = (
    *(field.block_id for field in TEXT_FIELDS),
    "categories",
    "occurred_at",
    "contact_channel",
    "customer_type",
    "identity",
    "police_consent",
    "checkins_wanted",
)


def _image(case: Case) -> dict[str, Any]:
    values = {name: getattr(case, name) for name in _REPLACED}
    values["occurred_at"] = case.occurred_at.isoformat() if case.occurred_at else None
    values["categories"] = list(case.categories or [])
    return values


def add_details(
    sessions: SessionFactory, clock: Clock, *, case_id: int, user_id: str, draft: ReportDraft
) -> str | None:
    """The reporter's form, added to their own open SOS case (the form replaces what the
    one-tap SOS left empty); an error key otherwise. A forged case id could otherwise rewrite an
    ordinary or closed case's narrative and witnesses."""
    now = clock.now()
    with sessions.begin() as session:
        case = cases_repo.get(session, case_id)
        if case is None or case.reporter_user_id != user_id:
            return "sos.error.not_yours"
        if not case.submission_key.startswith(SOS_KEY_PREFIX):
            return "sos.error.not_sos"
        if case.status not in OPEN_STATUSES:
            return "sos.error.closed"
        before = _image(case)
        for field in TEXT_FIELDS:
            setattr(case, field.block_id, draft.texts[field.block_id])
        case.categories = list(draft.categories)
        case.occurred_at = draft.occurred_at
        case.contact_channel = draft.contact_channel or UNKNOWN
        case.customer_type = draft.customer_type or UNKNOWN
        # Anonymity fails closed: the form can hide the name now, never reveal it afterwards.
        if draft.identity == "anonymous":
            case.identity = "anonymous"
        case.police_consent = draft.police_consent
        case.checkins_wanted = draft.checkins_wanted
        case.version += 1
        case.updated_at = now
        event = cases_repo.record_event(
            session,
            case_id=case.id,
            actor_user_id=user_id,
            action="details_added",
            now=now,
            before=before,
            after=_image(case),
        )
        key = f"case:{case.id}:details:{event.id}"
        enqueue_case_update(session, case.id, f"{key}:update", now)
        outbox_repo.enqueue(
            session, kind=ids.DETAILS_ADDED, dedupe_key=f"{key}:thread", case_id=case.id, now=now
        )
    return None
