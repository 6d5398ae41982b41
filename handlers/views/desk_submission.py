"""Desk modal submits: authorise again, validate, apply with the version from the click."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack

from bot.deps import deps_of
from bot.desk.messages import outcome_text
from bot.desk.modals import ModalMeta, notice_modal, parse_modal
from bot.desk.service import Applied, DeskRequest, DeskService
from bot.desk.states import BY_VIEW
from bot.i18n import t


def handle_desk_submission(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], context: dict[str, Any]
) -> None:
    deps = deps_of(context)
    user_id = body["user"]["id"]
    row = BY_VIEW[view["callback_id"]]
    action = row.action
    locale = deps.profiles.get(user_id).locale
    meta = ModalMeta.decode(view.get("private_metadata", ""))
    if meta is None:
        ack(response_action="errors", errors={row.modal_block or "": t("desk.bad_button", locale)})
        return
    service = deps.service(DeskService)
    # Asked again at submit: a restriction set while the modal was open refuses it here.
    refusal = service.admit(user_id, action, meta.case_id)
    if refusal is not None:
        ack(
            response_action="update", view=notice_modal(outcome_text(refusal, locale) or "", locale)
        )
        return
    parsed = parse_modal(
        action,
        (view.get("state") or {}).get("values") or {},
        locale=locale,
        is_staff=deps.staff.is_staff,
    )
    if isinstance(parsed, dict):
        ack(response_action="errors", errors=parsed)
        return
    outcome = service.apply(
        DeskRequest(
            actor=user_id,
            action=action,
            case_id=meta.case_id,
            version=meta.version,
            assignee=parsed.assignee,
            escalated_to=parsed.escalated_to,
            outcome=parsed.outcome,
            note=parsed.note,
            handlers=parsed.handlers,
        )
    )
    if isinstance(outcome, Applied):
        ack()
        deps.outbox.kick()
        return
    ack(response_action="update", view=notice_modal(outcome_text(outcome, locale) or "", locale))
