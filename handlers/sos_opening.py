"""Opening the SOS confirm dialog: from the App Home, `/harassment help` and `/harassment sos`."""

from __future__ import annotations

import uuid

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.deps import Deps
from bot.slack.errors import UserFacingError
from bot.sos.modals import confirm_modal
from handlers.opening import EXPIRED_TRIGGER_ERRORS


def open_sos_modal(client: WebClient, deps: Deps, *, trigger_id: str, user_id: str) -> None:
    """views.open within Slack's 3 seconds; nothing is stored until the person confirms."""
    locale = deps.profiles.get(user_id).locale
    view = confirm_modal(
        locale=locale,
        desk_channel_name=f"<#{deps.settings.desk_channel_id}>",
        token=uuid.uuid4().hex,
    )
    try:
        client.views_open(trigger_id=trigger_id, view=view)
    except SlackApiError as exc:
        if exc.response.get("error") in EXPIRED_TRIGGER_ERRORS:
            raise UserFacingError("error.form_expired", locale) from exc
        raise
