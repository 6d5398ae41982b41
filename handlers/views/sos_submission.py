"""The SOS confirm dialog's send: store the in-danger case, ack with 110 and the safety steps."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack

from bot.deps import deps_of
from bot.i18n import t
from bot.report import ReportNotSaved, ReportPolicy
from bot.slack.errors import AlreadyAnswered, new_error_id
from bot.sos import ids
from bot.sos.modals import decode_metadata, sent_modal
from bot.sos.service import raise_sos


def _identity(view: dict[str, Any]) -> str:
    values = (view.get("state") or {}).get("values") or {}
    element = (values.get(ids.IDENTITY_BLOCK) or {}).get(ids.IDENTITY_ACTION) or {}
    chosen = element.get("selected_option") if isinstance(element, dict) else None
    value = chosen.get("value") if isinstance(chosen, dict) else None
    return value if isinstance(value, str) else "anonymous"


def handle_sos_submission(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], context: dict[str, Any]
) -> None:
    deps = deps_of(context)
    token, locale = decode_metadata(
        view.get("private_metadata", ""),
        fallback_token=f"view:{view.get('id')}",
        fallback_locale=deps.settings.default_locale,
    )
    try:
        recorded = raise_sos(
            deps.sessions,
            user_id=body["user"]["id"],
            locale=locale,
            identity=_identity(view),
            submission_key=token,
            policy=deps.service(ReportPolicy),
            desk_locale=deps.settings.default_locale,
            now=deps.clock.now(),
            hooks=deps.report_hooks,
        )
    except ReportNotSaved as exc:
        error_id = new_error_id()
        ack(
            response_action="errors",
            errors={ids.IDENTITY_BLOCK: t("report.error.not_saved", locale, error_id=error_id)},
        )
        raise AlreadyAnswered(error_id) from exc
    ack(
        response_action="update",
        view=sent_modal(
            reference=recorded.reference,
            case_id=recorded.case_id,
            locale=locale,
            lib=deps.guidance,
        ),
    )
    if recorded.created:
        deps.outbox.kick()
