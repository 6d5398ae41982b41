"""Assign, Escalate, Add note, Resolve: check on the server, then open the action's modal."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from bot.desk.messages import outcome_text
from bot.desk.modals import CaseSummary, ModalMeta, desk_modal
from bot.desk.service import Allowed
from bot.slack.replies import tell_privately
from handlers.desk_reply import read_desk_click


def handle_desk_open_modal(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: Respond,
    client: WebClient,
    context: dict[str, Any],
) -> None:
    ack()
    click = read_desk_click(body, action, respond, client, context)
    if click is None:
        return
    checked = click.service.check(click.user_id, click.action, click.case_id, click.version)
    locale = click.locale
    if not isinstance(checked, Allowed):
        text = outcome_text(checked, locale)
        if text:
            tell_privately(body, respond, client, text)
        return
    summary = CaseSummary(
        reference=checked.reference,
        status=checked.status,
        police_consent=checked.police_consent,
        assignee_user_id=checked.assignee_user_id,
        handlers=checked.handlers,
    )
    view = desk_modal(click.action, ModalMeta(click.case_id, click.version), summary, locale)
    client.views_open(trigger_id=body["trigger_id"], view=view)
