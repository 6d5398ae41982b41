"""Opening the report modal: shared by the slash command, both shortcuts and the App Home."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.deps import Deps
from bot.i18n import t
from bot.privacy import FormThrottle
from bot.report.modals import FormMetadata, Prefill, report_modal
from bot.slack.errors import UserFacingError

# Slack gives 3 seconds from the click; past that (a slow phone network, a Slack hiccup) the
# person only needs to try again.
EXPIRED_TRIGGER_ERRORS = frozenset(
    {"expired_trigger_id", "invalid_trigger_id", "exchanged_trigger_id"}
)


def open_report_modal(
    client: WebClient,
    deps: Deps,
    *,
    trigger_id: str,
    user_id: str,
    tell: Callable[[str], object],
    prefill: Prefill | None = None,
    details_for_case: int | None = None,
) -> None:
    """views.open must use the trigger_id within 3 seconds of the click: no other work first.

    `details_for_case`: the form is pushed over the SOS dialog and adds to that case."""
    profile = deps.profiles.get(user_id)
    locale = profile.locale
    forms = deps.service(FormThrottle)
    if not forms.try_open(user_id):
        # A burst of commands opens one form; the rest are told privately. (Told,
        # not raised: an error raised just after ack() races Bolt's wait for the ack, and the
        # request is then answered 404.)
        tell(t("privacy.form_already_open", locale))
        return
    metadata = FormMetadata(
        submission_token=uuid.uuid4().hex,
        locale=locale,
        permalink=prefill.permalink if prefill else None,
        case_id=details_for_case,
        reporter_mentions=prefill.reporter_mentions if prefill else (),
    )
    view = report_modal(
        locale=locale,
        now=deps.clock.now(),
        metadata=metadata,
        category_labels=deps.guidance.category_choices(locale),
        desk_channel_name=f"<#{deps.settings.desk_channel_id}>",
        retention=deps.settings.retention,
        prefill=prefill,
        locations=deps.settings.locations,
        content=deps.settings.case_content_in_slack,
    )
    try:
        if details_for_case is None:
            client.views_open(trigger_id=trigger_id, view=view)
        else:
            client.views_push(trigger_id=trigger_id, view=view)
    except SlackApiError as exc:
        forms.closed(user_id)
        if exc.response.get("error") in EXPIRED_TRIGGER_ERRORS:
            raise UserFacingError("error.form_expired", locale) from exc
        raise
