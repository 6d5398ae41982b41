"""*Add details* on the SOS dialog: the report form, pushed over it, adding to the same case."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.bounds import parse_id
from bot.deps import deps_of
from bot.slack.replies import tell_privately
from handlers.opening import open_report_modal


def handle_sos_add_details(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    context: dict[str, Any],
) -> None:
    ack()
    case_id = parse_id(action.get("value"))  # "²" or 20 digits are no case id
    if case_id is None:
        return
    open_report_modal(
        client,
        deps_of(context),
        trigger_id=body["trigger_id"],
        user_id=body["user"]["id"],
        tell=lambda text: tell_privately(body, None, client, text),
        details_for_case=case_id,
    )
