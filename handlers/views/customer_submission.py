"""*Link to customer* and *Record measure* submits: authorise again, validate, apply."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack

from bot.customers import ids
from bot.customers.feature import customer_service
from bot.customers.modals import field_errors, metadata_id, parse_link, parse_measure
from bot.customers.service import Done, FieldErrors
from bot.deps import deps_of
from bot.desk.modals import notice_modal
from bot.i18n import t


def handle_customer_submission(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], context: dict[str, Any]
) -> None:
    deps = deps_of(context)
    user_id = body["user"]["id"]
    locale = deps.profiles.get(user_id).locale
    service = customer_service(deps)
    linking = view["callback_id"] == ids.LINK_VIEW
    if not service.authorise(user_id, "link" if linking else "measure"):
        ack(response_action="update", view=notice_modal(t("customer.denied", locale), locale))
        return
    values = (view.get("state") or {}).get("values") or {}
    target = metadata_id(view, "case_id" if linking else "customer_id")
    if target is None:
        block = ids.PICK_BLOCK if linking else ids.KIND_BLOCK
        ack(response_action="errors", errors={block: t("desk.bad_button", locale)})
        return
    if linking and not service.case_allowed(user_id, target):
        ack(response_action="update", view=notice_modal(t("desk.restricted", locale), locale))
        return
    if linking:
        choice = parse_link(values)
        if choice.customer_id is None:
            outcome = service.create_and_link(
                user_id, target, display_name=choice.name, identifiers_text=choice.identifiers
            )
        else:
            outcome = service.link_existing(user_id, target, choice.customer_id)
    else:
        measure = parse_measure(values)
        outcome = service.add_measure(
            user_id,
            target,
            kind=measure.kind,
            starts_on=measure.starts_on,
            ends_on=measure.ends_on,
        )
    if isinstance(outcome, FieldErrors):
        ack(response_action="errors", errors=field_errors(outcome.errors, locale))
        return
    if isinstance(outcome, Done):
        ack()
        deps.outbox.kick()
        return
    ack(response_action="update", view=notice_modal(t(outcome.code, locale), locale))
