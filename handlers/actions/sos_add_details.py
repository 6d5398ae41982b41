"""*Add details* on the SOS dialog: the report form, pushed over it, adding to the same case."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.deps import deps_of
from handlers.opening import open_report_modal


def handle_sos_add_details(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    context: dict[str, Any],
) -> None:
    ack()
    raw = str(action.get("value") or "")
    if not raw.isdigit():
        return
    open_report_modal(
        client,
        deps_of(context),
        trigger_id=body["trigger_id"],
        user_id=body["user"]["id"],
        details_for_case=int(raw),
    )
