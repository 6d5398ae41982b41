"""Reading a case in a modal (sealed mode): the desk's Open case and Show name, the reporter's
Open on a notice of the desk's message. Each is checked and recorded by `CaseReader`; the
modal opens with the click's trigger inside Slack's 3 s. An expired trigger gets the button
again in a private message."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.access import ids
from bot.access.modals import case_view, evidence_view, open_again, reporter_view
from bot.access.service import CaseReader, Refusal
from bot.bounds import parse_id
from bot.conversation import ids as conversation_ids
from bot.deps import deps_of
from bot.i18n import t
from bot.slack.blocks import Block
from bot.slack.replies import requester, tell_privately

log = logging.getLogger(__name__)


def _open_view(
    client: WebClient, body: dict[str, Any], respond: Respond, view: Block, again: tuple[str, Any]
) -> None:
    """views.open with the click's trigger; an expired one gets the button again, privately."""
    try:
        client.views_open(trigger_id=body["trigger_id"], view=view)
    except SlackApiError as exc:
        if exc.response.get("error") != "expired_trigger_id":
            raise
        text, blocks = again
        user, channel = requester(body)
        log.info("trigger expired before the case modal opened; the button is offered again")
        if body.get("response_url"):
            respond(text=text, blocks=blocks, response_type="ephemeral", replace_original=False)
        elif channel and user:
            client.chat_postEphemeral(channel=channel, user=user, text=text, blocks=blocks)


def handle_case_read(
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
    reader = deps.service(CaseReader)
    case_id = parse_id(action.get("value"))
    action_id = action["action_id"]
    if action_id == conversation_ids.REPORTER_OPEN_ACTION:
        _reporter_open(body, respond, client, context, user_id, case_id)
        return
    if action_id == ids.OPEN_EVIDENCE_ACTION:  # the value is the evidence file's id
        _open_evidence(body, respond, client, context, user_id, case_id)
        return
    locale = deps.profiles.get(user_id).locale
    if case_id is None:
        tell_privately(body, respond, client, t("desk.denied", locale))
        return
    read = reader.open_case(user_id, case_id, show_name=action_id == ids.SHOW_NAME_ACTION)
    if isinstance(read, Refusal):
        tell_privately(body, respond, client, t(read.key, locale))
        return
    view = case_view(read, locale=locale, category_label=deps.core.guidance.category_label)
    if action_id == ids.SHOW_NAME_ACTION and body.get("view"):
        client.views_update(view_id=body["view"]["id"], hash=body["view"].get("hash"), view=view)
        return
    again = open_again("access.expired", ids.OPEN_CASE_ACTION, case_id, locale)
    _open_view(client, body, respond, view, again)


def _reporter_open(
    body: dict[str, Any],
    respond: Respond,
    client: WebClient,
    context: dict[str, Any],
    user_id: str,
    case_id: int | None,
) -> None:
    deps = deps_of(context)
    read = (
        deps.service(CaseReader).reporter_messages(user_id, case_id)
        if case_id is not None
        else Refusal("conv.error.gone")
    )
    if isinstance(read, Refusal):
        tell_privately(body, respond, client, t(read.key, deps.profiles.get(user_id).locale))
        return
    assert case_id is not None
    again = open_again(
        "access.reporter.expired", conversation_ids.REPORTER_OPEN_ACTION, case_id, read.locale
    )
    _open_view(client, body, respond, reporter_view(read), again)


def _open_evidence(
    body: dict[str, Any],
    respond: Respond,
    client: WebClient,
    context: dict[str, Any],
    user_id: str,
    evidence_id: int | None,
) -> None:
    """Recorded first (`CaseReader.open_evidence`), then the copy's link pushed over the case
    modal: the file itself stays where the desk's copy lives, in the case thread."""
    deps = deps_of(context)
    locale = deps.profiles.get(user_id).locale
    read = (
        deps.service(CaseReader).open_evidence(user_id, evidence_id)
        if evidence_id is not None
        else Refusal("desk.denied")
    )
    if isinstance(read, Refusal):
        tell_privately(body, respond, client, t(read.key, locale))
        return
    permalink = str(client.files_info(file=read.copy_file_id)["file"]["permalink"])
    client.views_push(
        trigger_id=body["trigger_id"], view=evidence_view(read.name, permalink, locale)
    )
