"""The report modal's submit: validate, store once, ack, then let the outbox talk to Slack."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack

from bot.deps import deps_of
from bot.i18n import t
from bot.privacy import FormThrottle
from bot.report.fields import NARRATIVE
from bot.report.modals import FormMetadata, parse_report, received_modal
from bot.report.service import ReportNotSaved, ReportPolicy, record_report
from bot.slack.errors import AlreadyAnswered, new_error_id
from bot.sos import add_details


def handle_report_submission(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], context: dict[str, Any]
) -> None:
    deps = deps_of(context)
    user_id = body["user"]["id"]
    metadata = FormMetadata.decode(
        view.get("private_metadata", ""),
        fallback_token=f"view:{view.get('id')}",
        fallback_locale=deps.settings.default_locale,
    )
    locale = metadata.locale
    parsed = parse_report(
        (view.get("state") or {}).get("values") or {},
        metadata=metadata,
        now=deps.clock.now(),
        category_keys=deps.guidance.category_keys,
        locale=locale,
        locations=deps.settings.locations,
    )
    if isinstance(parsed, dict):
        ack(response_action="errors", errors=parsed)
        return
    if metadata.case_id is not None:
        # Details added to an SOS case: the same case, never a second one.
        problem = add_details(
            deps.sessions, deps.clock, case_id=metadata.case_id, user_id=user_id, draft=parsed
        )
        if problem:
            ack(response_action="errors", errors={NARRATIVE.block_id: t(problem, locale)})
            return
        ack(response_action="clear")
        deps.outbox.kick()
        return
    try:
        recorded = record_report(
            deps.sessions,
            draft=parsed,
            reporter_user_id=user_id,
            reporter_locale=locale,
            submission_key=metadata.submission_token,
            policy=deps.service(ReportPolicy),
            now=deps.clock.now(),
            hooks=deps.report_hooks,
            evidence_hooks=deps.evidence_hooks,
            exclusion_hooks=deps.exclusion_hooks,
        )
    except ReportNotSaved as exc:
        # The modal stays open with everything typed; the person can simply send again.
        error_id = new_error_id()
        ack(
            response_action="errors",
            errors={NARRATIVE.block_id: t("report.error.not_saved", locale, error_id=error_id)},
        )
        raise AlreadyAnswered(error_id) from exc
    # Before the ack: the person's next form may be opened the moment they see the receipt.
    deps.service(FormThrottle).closed(user_id)
    ack(response_action="update", view=received_modal(recorded.reference, locale))
    if recorded.created:
        deps.core.metrics.report_stored()
        deps.outbox.kick()
