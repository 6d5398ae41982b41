"""The handling's buttons: a step's modal (checked on the server first), the two-person stop,
*Done* on a prevention action, and *Answer* on the reporter's survey DM."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from bot.bounds import parse_id
from bot.deps import deps_of
from bot.handling import ids
from bot.handling.modals import step_modal
from bot.handling.service import HandlingService, Opened
from bot.handling.survey import SurveyService
from bot.i18n import t
from bot.slack.replies import tell_privately

STEP_BUTTONS = {ids.button_id(what): what for what in ids.MODAL_STEPS}


def handle_handling_action(
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
    action_id = str(action.get("action_id"))
    target = parse_id(action.get("value"))
    if target is None:
        tell_privately(body, respond, client, t("desk.bad_button", locale))
        return
    if action_id == ids.SURVEY_ACTION:
        survey = deps.service(SurveyService).check(user_id, target)
        if isinstance(survey, str):
            tell_privately(body, respond, client, t(survey, locale))
            return
        today = deps.service(HandlingService).today()
        view = step_modal(
            "survey", target, survey.reference, survey.locale, actor=user_id, today=today
        )
        client.views_open(trigger_id=body["trigger_id"], view=view)
        return
    service = deps.service(HandlingService)
    if action_id in STEP_BUTTONS:
        what = STEP_BUTTONS[action_id]
        opened = service.check(user_id, what, target)
        if not isinstance(opened, Opened):
            tell_privately(body, respond, client, t(opened, locale))
            return
        view = step_modal(
            what, target, opened.reference, locale, actor=user_id, today=service.today()
        )
        client.views_open(trigger_id=body["trigger_id"], view=view)
        return
    if action_id == ids.DONE_ACTION:
        answer = service.done(user_id, target)
    else:
        answer = service.stop(user_id, target)
    deps.outbox.kick()
    tell_privately(body, respond, client, t(answer, locale))
