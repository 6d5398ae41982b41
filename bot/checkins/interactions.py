"""What the check-in buttons do, for the thin listeners in `handlers/actions/checkin_*.py`.

Each function returns the ephemeral text to show the person who clicked (or None), answered
through the interaction's `response_url`, which reaches anyone who can see the message, even a
person who is no longer a member of the desk channel.
"""

from __future__ import annotations

from bot import bounds
from bot.checkins import ids
from bot.checkins.service import (
    CheckinPolicy,
    Outcome,
    answer,
    cancel_remaining,
    record_denied,
    schedule_extra,
)
from bot.deps import Deps
from bot.i18n import t
from bot.slack.mrkdwn import slack_date, slack_day


def _as_id(raw: str) -> int | None:
    return bounds.parse_id(raw)


def answer_checkin(deps: Deps, *, user_id: str, raw_id: str, response: str) -> str | None:
    checkin_id = _as_id(raw_id)
    outcome = (
        Outcome.UNKNOWN
        if checkin_id is None or response not in ids.ALL_ANSWERS
        else answer(
            deps.sessions,
            checkin_id=checkin_id,
            user_id=user_id,
            response=response,
            now=deps.clock.now(),
            policy=deps.service(CheckinPolicy),
        )
    )
    if outcome is Outcome.RECORDED:
        deps.outbox.kick()
        return None
    return t(f"checkins.error.{outcome.value}", deps.profiles.get(user_id).locale)


def answer_later(deps: Deps, *, user_id: str, selected: str) -> str | None:
    """The "Remind me later" select's value is "<checkin id>:<1h|tomorrow>"."""
    raw_id, _, choice = selected.partition(":")
    response = ids.LATER_CHOICES.get(choice, "")
    return answer_checkin(deps, user_id=user_id, raw_id=raw_id, response=response)


def desk_change(deps: Deps, *, user_id: str, raw_case_id: str, action: str) -> str | None:
    """`action` is ids.DESK_EXTRA or ids.DESK_CANCEL; only desk staff may do either."""
    case_id = _as_id(raw_case_id)
    if case_id is None:
        return None
    now = deps.clock.now()
    locale = deps.profiles.get(user_id).locale
    if not deps.staff.is_staff(user_id):
        record_denied(deps.sessions, case_id=case_id, actor=user_id, action=action, now=now)
        return t("checkins.desk.not_staff", locale)
    lead = deps.access.is_lead(user_id)
    with deps.sessions() as session:
        hidden = not deps.access.may_see_as(session, case_id, user_id, staff=True, lead=lead)
    if hidden:  # a restricted case, or one the reporter kept from them
        record_denied(deps.sessions, case_id=case_id, actor=user_id, action=action, now=now)
        return t("desk.restricted", locale)
    if action == ids.DESK_EXTRA:
        change = schedule_extra(
            deps.sessions,
            case_id=case_id,
            actor=user_id,
            now=now,
            policy=deps.service(CheckinPolicy),
        )
        if change is None:
            return t("checkins.error.unknown", locale)
        if change.refused or change.due_at is None:
            return t("checkins.desk.refused_stopped", locale, reference=change.reference)
        deps.outbox.kick()
        return t(
            "checkins.desk.extra_done",
            locale,
            reference=change.reference,
            when=slack_day(change.due_at) if change.anonymous else slack_date(change.due_at),
        )
    cancelled = cancel_remaining(deps.sessions, case_id=case_id, actor=user_id, now=now)
    if cancelled is None:
        return t("checkins.error.unknown", locale)
    deps.outbox.kick()
    return t(
        "checkins.desk.cancel_done",
        locale,
        reference=cancelled.reference,
        count=cancelled.cancelled,
    )
