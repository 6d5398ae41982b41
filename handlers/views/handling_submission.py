"""The handling's modal submits (desk steps; the reporter's survey): check again, validate,
apply, and answer with field errors or a notice in place of the modal."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack

from bot.deps import deps_of
from bot.handling import ids
from bot.handling.modals import case_of, notice_modal, parse_step
from bot.handling.service import HandlingService
from bot.handling.survey import SurveyService
from bot.i18n import t

STEP_VIEWS = {ids.view_id(what): what for what in ids.MODAL_STEPS}


def handle_handling_submission(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], context: dict[str, Any]
) -> None:
    deps = deps_of(context)
    user_id = body["user"]["id"]
    locale = deps.profiles.get(user_id).locale
    survey = view["callback_id"] == ids.SURVEY_VIEW
    what = "survey" if survey else STEP_VIEWS[view["callback_id"]]
    case_id = case_of(view)
    if case_id is None:
        ack(response_action="update", view=notice_modal(t("desk.bad_button", locale), locale))
        return
    if not survey and not deps.service(HandlingService).authorise(user_id, what, case_id):
        ack(response_action="update", view=notice_modal(t("desk.denied", locale), locale))
        return
    parsed = parse_step(what, (view.get("state") or {}).get("values") or {}, locale)
    if isinstance(parsed, dict):
        ack(response_action="errors", errors=parsed)
        return
    if survey:
        answer = deps.service(SurveyService).answer(user_id, case_id, parsed)
        ack(response_action="update", view=notice_modal(t(answer, locale), locale))
        return
    problem = deps.service(HandlingService).record(user_id, what, case_id, parsed)
    if problem is None:
        ack()
        deps.outbox.kick()
        return
    ack(response_action="update", view=notice_modal(t(problem, locale), locale))
