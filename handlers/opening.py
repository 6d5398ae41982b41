"""Opening the report modal: shared by the slash command, both shortcuts and the App Home."""

from __future__ import annotations

import uuid

from slack_sdk import WebClient

from bot.deps import Deps
from bot.report.form import FormMetadata, Prefill, report_modal


def open_report_modal(
    client: WebClient,
    deps: Deps,
    *,
    trigger_id: str,
    user_id: str,
    prefill: Prefill | None = None,
) -> None:
    """views.open must use the trigger_id within 3 seconds of the click: no other work first."""
    profile = deps.profiles.get(user_id)
    locale = profile.locale
    metadata = FormMetadata(
        submission_token=uuid.uuid4().hex,
        locale=locale,
        permalink=prefill.permalink if prefill else None,
    )
    view = report_modal(
        locale=locale,
        now=deps.clock.now(),
        metadata=metadata,
        category_labels=deps.guidance.category_choices(locale),
        desk_channel_name=f"<#{deps.settings.desk_channel_id}>",
        prefill=prefill,
    )
    client.views_open(trigger_id=trigger_id, view=view)
