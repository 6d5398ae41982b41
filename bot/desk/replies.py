"""What the person who clicked is told privately when a desk action did not go through."""

from __future__ import annotations

from bot import blocks as bk
from bot.desk.service import Applied, Conflict, Denied, NotFound, Outcome, Refused
from bot.i18n import t

NOTICE_VIEW = "desk_notice"


def outcome_text(outcome: Outcome, locale: str) -> str | None:
    """None when the action was applied (the case message itself shows the change)."""
    if isinstance(outcome, Applied):
        return None
    if isinstance(outcome, Denied):
        return t("desk.denied", locale)
    if isinstance(outcome, NotFound):
        return t("desk.not_found", locale)
    if isinstance(outcome, Refused):
        status = t(f"status.{outcome.refusal.status}", locale)
        return t(outcome.refusal.key, locale, status=status)
    assert isinstance(outcome, Conflict)
    status = t(f"status.{outcome.status}", locale)
    if outcome.by is None or outcome.action is None:
        return t("desk.conflict.unknown", locale, status=status)
    did = t(f"desk.did.{outcome.action}", locale)
    return t("desk.conflict", locale, actor=f"<@{outcome.by}>", did=did, status=status)


def notice_modal(text: str, locale: str) -> bk.Block:
    """Replaces a desk modal whose action could not be applied: says why, in mrkdwn."""
    return bk.modal(
        NOTICE_VIEW,
        t("desk.modal.notice.title", locale),
        [bk.section(text)],
        close=t("desk.modal.close", locale),
    )
