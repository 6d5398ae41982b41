"""*Link to customer*, *Record measure* and *Legal hold*: check on the server, open the modal."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from bot.bounds import parse_id
from bot.customers import ids
from bot.customers.feature import customer_service
from bot.customers.modals import link_modal, measure_modal
from bot.deps import deps_of
from bot.i18n import t
from bot.slack.replies import tell_privately


def _value(action: dict[str, Any]) -> int | None:
    return parse_id(action.get("value"))


def handle_customer_action(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: Respond,
    client: WebClient,
    context: dict[str, Any],
) -> None:
    ack()
    deps = deps_of(context)
    user_id = body["user"]["id"]
    locale = deps.profiles.get(user_id).locale
    service = customer_service(deps)
    action_id = action.get("action_id")
    if not service.authorise(user_id, str(action_id)):
        tell_privately(body, respond, client, t("customer.denied", locale))
        return
    target = _value(action)
    if target is None:
        tell_privately(body, respond, client, t("desk.bad_button", locale))
        return
    if action_id == ids.LINK_ACTION:
        if not service.case_allowed(user_id, target):
            tell_privately(body, respond, client, t("desk.restricted", locale))
            return
        data = service.for_case(user_id, target)
        if data is None:
            tell_privately(body, respond, client, t("customer.error.case_gone", locale))
            return
        client.views_open(trigger_id=body["trigger_id"], view=link_modal(target, data, locale))
    elif action_id == ids.MEASURE_ACTION:
        name = service.name_of(target)
        if name is None:
            tell_privately(body, respond, client, t("customer.error.customer_gone", locale))
            return
        view = measure_modal(target, name, service.today(), locale)
        client.views_open(trigger_id=body["trigger_id"], view=view)
    else:
        held = service.hold_linked_cases(user_id, target)
        text = (
            t(held, locale) if isinstance(held, str) else t("customer.hold_set", locale, count=held)
        )
        tell_privately(body, respond, client, text)
