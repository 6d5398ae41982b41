"""Pure builders of the SOS dialogs: the confirm dialog and what it turns into once sent."""

from __future__ import annotations

import json

from bot.guidance import GuidanceLibrary
from bot.i18n import normalize_locale, t
from bot.report import IDENTITY_CHOICES
from bot.slack import blocks as bk
from bot.sos import ids


def encode_metadata(token: str, locale: str) -> str:
    return json.dumps({"k": token, "l": locale})


def decode_metadata(raw: str, *, fallback_token: str, fallback_locale: str) -> tuple[str, str]:
    """(submission token, locale) from the confirm dialog's private_metadata."""
    try:
        data = json.loads(raw) if raw else {}
    except json.JSONDecodeError:
        data = {}
    if not isinstance(data, dict):
        data = {}
    token = data.get("k") if isinstance(data.get("k"), str) and data.get("k") else fallback_token
    locale = str(data["l"]) if data.get("l") in ("ja", "en") else fallback_locale
    return str(token), locale


def confirm_modal(*, locale: str, desk_channel_name: str, token: str) -> bk.Block:
    """One tap more than the button: named or anonymous, with who sees what, then Send."""
    options = [
        {
            **bk.option(t(f"report.identity.{key}", locale), key),
            "description": bk.plain(t(f"report.identity.{key}.description", locale), 75),
        }
        for key in IDENTITY_CHOICES
    ]
    return bk.modal(
        ids.CONFIRM_VIEW,
        t("sos.confirm.title", locale),
        [
            bk.section(t("sos.confirm.body", locale)),
            bk.context(t("sos.confirm.who_sees", locale, channel=desk_channel_name)),
            bk.input_block(
                ids.IDENTITY_BLOCK,
                t("sos.field.identity", locale),
                bk.select("radio_buttons", ids.IDENTITY_ACTION, options, initial=options[0]),
            ),
        ],
        submit=t("sos.confirm.submit", locale),
        close=t("sos.confirm.close", locale),
        private_metadata=encode_metadata(token, locale),
    )


def sent_modal(*, reference: str, case_id: int, locale: str, lib: GuidanceLibrary) -> bk.Block:
    """After sending: the reference, 110 and the immediate safety steps, then add details."""
    loc = normalize_locale(locale, "en")
    danger = lib.general["in_danger"]
    return bk.modal(
        ids.SENT_VIEW,
        t("sos.sent.title", locale),
        [
            bk.section(t("sos.sent.body", locale, reference=reference)),
            bk.section(f"*{danger.title.get(loc)}*\n{danger.text.get(loc)}"),
            bk.divider(),
            bk.section(t("sos.sent.details_prompt", locale)),
            bk.actions(
                [bk.button(t("sos.sent.add_details", locale), ids.ADD_DETAILS_ACTION, str(case_id))]
            ),
        ],
        close=t("sos.sent.close", locale),
    )
