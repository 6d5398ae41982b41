"""The report modal: a pure builder and a pure parser/validator for its submission."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot import blocks as bk
from bot import bounds
from bot.i18n import t
from bot.report import ids

CONTACT_CHANNELS = ("face_to_face", "phone", "email_chat", "social_media", "off_site")
CUSTOMER_TYPES = ("customer", "job_seeker", "corporate_client", "business_partner", "other")
IDENTITY_CHOICES = ("named", "anonymous")
PREFERENCE_CHECKINS = "checkins"
PREFERENCE_POLICE_OK = "police_ok"

NARRATIVE_MAX = 3000
SHORT_TEXT_MAX = 1500
# Clocks on phones drift; a time a few minutes ahead is a typo-free "just now", not the future.
FUTURE_TOLERANCE = timedelta(minutes=5)


@dataclass(frozen=True)
class Prefill:
    """What a message shortcut hands to the form: the message text and where it lives."""

    narrative: str = ""
    permalink: str | None = None


@dataclass(frozen=True)
class FormMetadata:
    """Round-tripped through `private_metadata`: the idempotency token and the prefill link."""

    submission_token: str
    locale: str
    permalink: str | None = None

    def encode(self) -> str:
        return json.dumps({"k": self.submission_token, "l": self.locale, "p": self.permalink})

    @classmethod
    def decode(cls, raw: str, *, fallback_token: str, fallback_locale: str) -> FormMetadata:
        try:
            data = json.loads(raw) if raw else {}
        except json.JSONDecodeError:
            data = {}
        if not isinstance(data, dict):
            data = {}
        token = data.get("k") if isinstance(data.get("k"), str) else None
        locale = str(data["l"]) if data.get("l") in ("ja", "en") else fallback_locale
        link = bounds.safe_permalink(data.get("p"))
        return cls(submission_token=token or fallback_token, locale=locale, permalink=link)


@dataclass(frozen=True)
class ReportDraft:
    categories: tuple[str, ...]
    occurred_at: datetime
    contact_channel: str
    customer_type: str
    narrative: str
    demands: str
    witnesses: str
    injury: str
    immediate_action: str
    wants: str
    in_danger: bool
    identity: str
    checkins_wanted: bool
    police_consent: bool
    source_permalink: str | None


def _options(prefix: str, keys: Sequence[str], locale: str) -> list[dict[str, Any]]:
    return [bk.option(t(f"{prefix}.{key}", locale), key) for key in keys]


def _text_field(
    block_id: str, locale: str, *, multiline: bool = True, max_length: int = SHORT_TEXT_MAX
) -> bk.Block:
    return bk.input_block(
        block_id,
        t(f"report.field.{block_id}", locale),
        bk.text_input(ids.action_id(block_id), multiline=multiline, max_length=max_length),
        optional=True,
    )


def _choice_field(block_id: str, prefix: str, keys: Sequence[str], locale: str) -> bk.Block:
    return bk.input_block(
        block_id,
        t(f"report.field.{block_id}", locale),
        bk.select(
            "static_select",
            ids.action_id(block_id),
            _options(prefix, keys, locale),
            placeholder=t("report.placeholder.choose", locale),
        ),
    )


def report_modal(
    *,
    locale: str,
    now: datetime,
    metadata: FormMetadata,
    category_labels: Sequence[tuple[str, str]],
    desk_channel_name: str,
    prefill: Prefill | None = None,
) -> bk.Block:
    """The report form. `category_labels` are (key, label) pairs in the viewer's language."""
    yes_no = _options("report.danger", ("no", "yes"), locale)
    identity_options = [
        {
            **bk.option(t(f"report.identity.{key}", locale), key),
            "description": bk.plain(t(f"report.identity.{key}.description", locale), 75),
        }
        for key in IDENTITY_CHOICES
    ]
    preference_options = _options(
        "report.preference", (PREFERENCE_CHECKINS, PREFERENCE_POLICE_OK), locale
    )
    narrative_initial = prefill.narrative if prefill else None
    body: list[bk.Block] = [
        bk.context(t("report.intro", locale)),
        bk.input_block(
            ids.IN_DANGER,
            t("report.field.in_danger", locale),
            bk.select("radio_buttons", ids.action_id(ids.IN_DANGER), yes_no, initial=yes_no[0]),
        ),
        bk.input_block(
            ids.NARRATIVE,
            t("report.field.narrative", locale),
            bk.text_input(
                ids.action_id(ids.NARRATIVE),
                multiline=True,
                max_length=NARRATIVE_MAX,
                initial_value=narrative_initial,
                placeholder=t("report.placeholder.narrative", locale),
            ),
            hint=t("report.hint.narrative", locale),
        ),
        bk.input_block(
            ids.CATEGORIES,
            t("report.field.categories", locale),
            bk.select(
                "multi_static_select",
                ids.action_id(ids.CATEGORIES),
                [bk.option(label, key) for key, label in category_labels],
                placeholder=t("report.placeholder.categories", locale),
            ),
            optional=True,
            hint=t("report.hint.categories", locale),
        ),
        bk.input_block(
            ids.OCCURRED_AT,
            t("report.field.occurred_at", locale),
            {
                "type": "datetimepicker",
                "action_id": ids.action_id(ids.OCCURRED_AT),
                "initial_date_time": int(now.timestamp()),
            },
        ),
        _choice_field(ids.CONTACT_CHANNEL, "report.channel", CONTACT_CHANNELS, locale),
        _choice_field(ids.CUSTOMER_TYPE, "report.customer", CUSTOMER_TYPES, locale),
        _text_field(ids.DEMANDS, locale),
        _text_field(ids.WITNESSES, locale, multiline=False, max_length=500),
        _text_field(ids.INJURY, locale),
        _text_field(ids.IMMEDIATE_ACTION, locale),
        _text_field(ids.WANTS, locale),
        bk.input_block(
            ids.IDENTITY,
            t("report.field.identity", locale),
            bk.select(
                "radio_buttons",
                ids.action_id(ids.IDENTITY),
                identity_options,
                initial=identity_options[0],
            ),
        ),
        bk.input_block(
            ids.PREFERENCES,
            t("report.field.preferences", locale),
            bk.select(
                "checkboxes",
                ids.action_id(ids.PREFERENCES),
                preference_options,
                initial=[preference_options[0]],
            ),
            optional=True,
        ),
    ]
    if metadata.permalink:
        body.insert(1, bk.context(t("report.prefilled_from", locale, link=metadata.permalink)))
    body.append(bk.context(t("report.consent", locale, channel=desk_channel_name)))
    return bk.modal(
        ids.REPORT_VIEW,
        t("report.title", locale),
        body,
        submit=t("report.submit", locale),
        close=t("report.close", locale),
        private_metadata=metadata.encode(),
    )


def _value(values: Mapping[str, Any], block_id: str) -> dict[str, Any]:
    block = values.get(block_id) or {}
    element = block.get(ids.action_id(block_id)) or {}
    return element if isinstance(element, dict) else {}


def _text(values: Mapping[str, Any], block_id: str) -> str:
    """The typed text with NUL bytes removed (PostgreSQL cannot store them)."""
    value = _value(values, block_id).get("value")
    return bounds.clean_text(value) if isinstance(value, str) else ""


def _selected(values: Mapping[str, Any], block_id: str) -> str | None:
    chosen = _value(values, block_id).get("selected_option")
    return chosen.get("value") if isinstance(chosen, dict) else None


def _selected_many(values: Mapping[str, Any], block_id: str) -> list[str]:
    chosen = _value(values, block_id).get("selected_options") or []
    return [item["value"] for item in chosen if isinstance(item, dict) and "value" in item]


def parse_report(
    values: Mapping[str, Any],
    *,
    metadata: FormMetadata,
    now: datetime,
    category_keys: Sequence[str],
    locale: str,
) -> ReportDraft | dict[str, str]:
    """A `ReportDraft`, or `{block_id: message}` errors for `response_action: errors`.

    Text is kept exactly as typed; only the emptiness check looks past whitespace.
    """
    errors: dict[str, str] = {}
    narrative = _text(values, ids.NARRATIVE)
    if not narrative.strip():
        errors[ids.NARRATIVE] = t("report.error.narrative_empty", locale)
    elif bounds.has_lone_surrogate(narrative):
        errors[ids.NARRATIVE] = t("privacy.error.text_invalid", locale)
    elif len(narrative) > NARRATIVE_MAX:
        errors[ids.NARRATIVE] = t("report.error.too_long", locale, limit=NARRATIVE_MAX)

    short_texts: dict[str, str] = {}
    for block_id, limit in (
        (ids.DEMANDS, SHORT_TEXT_MAX),
        (ids.WITNESSES, 500),
        (ids.INJURY, SHORT_TEXT_MAX),
        (ids.IMMEDIATE_ACTION, SHORT_TEXT_MAX),
        (ids.WANTS, SHORT_TEXT_MAX),
    ):
        short_texts[block_id] = _text(values, block_id)
        if len(short_texts[block_id]) > limit:
            errors[block_id] = t("report.error.too_long", locale, limit=limit)
        elif bounds.has_lone_surrogate(short_texts[block_id]):
            errors[block_id] = t("privacy.error.text_invalid", locale)

    raw_time = _value(values, ids.OCCURRED_AT).get("selected_date_time")
    occurred_at = now
    if isinstance(raw_time, int | float) and not isinstance(raw_time, bool):
        # 1970 to now + tolerance; NaN, infinities and overflowing values are no time at all.
        parsed_time = bounds.parse_timestamp(raw_time, now=now, future_tolerance=FUTURE_TOLERANCE)
        if parsed_time is not None:
            occurred_at = parsed_time
        elif math.isfinite(raw_time) and raw_time > now.timestamp():
            errors[ids.OCCURRED_AT] = t("report.error.future", locale)
        else:
            errors[ids.OCCURRED_AT] = t("report.error.time_invalid", locale)
    elif raw_time is not None:
        errors[ids.OCCURRED_AT] = t("report.error.time_invalid", locale)

    categories = _selected_many(values, ids.CATEGORIES)
    if any(key not in category_keys for key in categories):
        errors[ids.CATEGORIES] = t("report.error.invalid_choice", locale)
    contact_channel = _selected(values, ids.CONTACT_CHANNEL)
    if contact_channel not in CONTACT_CHANNELS:
        errors[ids.CONTACT_CHANNEL] = t("report.error.choose_one", locale)
    customer_type = _selected(values, ids.CUSTOMER_TYPE)
    if customer_type not in CUSTOMER_TYPES:
        errors[ids.CUSTOMER_TYPE] = t("report.error.choose_one", locale)
    # Fail closed: a missing or unknown choice keeps the reporter's name out of the desk channel.
    identity = bounds.anonymous_unless_named(_selected(values, ids.IDENTITY))
    preferences = _selected_many(values, ids.PREFERENCES)

    if errors:
        return errors
    return ReportDraft(
        categories=tuple(key for key in category_keys if key in categories),
        occurred_at=occurred_at,
        contact_channel=contact_channel or "",
        customer_type=customer_type or "",
        narrative=narrative,
        demands=short_texts[ids.DEMANDS],
        witnesses=short_texts[ids.WITNESSES],
        injury=short_texts[ids.INJURY],
        immediate_action=short_texts[ids.IMMEDIATE_ACTION],
        wants=short_texts[ids.WANTS],
        in_danger=_selected(values, ids.IN_DANGER) == "yes",
        identity=identity,
        checkins_wanted=PREFERENCE_CHECKINS in preferences,
        police_consent=PREFERENCE_POLICE_OK in preferences,
        source_permalink=metadata.permalink,
    )


def received_modal(reference: str, locale: str) -> bk.Block:
    """What the modal turns into once the report is stored: the reference, and where to look."""
    return bk.modal(
        ids.REPORT_VIEW + "_done",
        t("report.title", locale),
        [
            bk.section(t("report.received.body", locale, reference=reference)),
            bk.context(t("report.received.privacy", locale)),
        ],
        close=t("report.received.close", locale),
    )
