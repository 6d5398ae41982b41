"""Acknowledge and Reopen on the case message: applied at once, authorised and versioned."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from bot.desk.messages import outcome_text
from bot.desk.service import Applied, DeskRequest
from bot.slack.replies import tell_privately
from handlers.desk_reply import read_desk_click


def handle_desk_transition(
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
    outcome = click.service.apply(
        DeskRequest(
            actor=click.user_id, action=click.action, case_id=click.case_id, version=click.version
        )
    )
    if isinstance(outcome, Applied):
        click.deps.outbox.kick()
        return
    reply = outcome_text(outcome, click.locale)
    if reply:
        tell_privately(body, respond, client, reply)
