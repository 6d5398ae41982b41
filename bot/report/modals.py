"""The report modal: a pure builder and a pure parser/validator for its submission, both driven
by the field table in `bot/report/fields.py`."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot import bounds
from bot.content_mode import ContentMode
from bot.i18n import t
from bot.report import ids
from bot.report.fields import (
    CATEGORIES,
    CONTACT_CHANNEL,
    CUSTOMER_TYPE,
    EVIDENCE,
    EXCLUDED,
    EXCLUDED_MAX,
    FIELDS,
    IDENTITY,
    IN_DANGER,
    LOCATION_CHOICE,
    NARRATIVE,
    OCCURRED_AT,
    POLICE,
    PREFERENCE_CHECKINS,
    PREFERENCE_POLICE_OK,
    PREFERENCES,
    SHARE_LINK,
    SHARE_LINK_CHOICE,
    TEXT_FIELDS,
    UNKNOWN,
    Field,
    Kind,
)
from bot.slack import blocks as bk
from bot.slack.mrkdwn import humanize

# Clocks on phones drift; a time a few minutes ahead is a typo-free "just now", not the future.
FUTURE_TOLERANCE = timedelta(minutes=5)


@dataclass(frozen=True)
class Prefill:
    """What a message shortcut hands to the form: the message text and where it lives."""

    narrative: str = ""
    permalink: str | None = None
    # How the prefill wrote mentions of the reporter ("@hanako", "@U0…"): an anonymous report
    # replaces them with "(the reporter)".
    reporter_mentions: tuple[str, ...] = ()


@dataclass(frozen=True)
class FormMetadata:
    """Round-tripped through `private_metadata`: the idempotency token and the prefill link."""

    submission_token: str
    locale: str
    permalink: str | None = None
    case_id: int | None = None  # set when the form adds details to an SOS case
    reporter_mentions: tuple[str, ...] = ()

    def encode(self) -> str:
        data: dict[str, object] = {
            "k": self.submission_token,
            "l": self.locale,
            "p": self.permalink,
        }
        if self.case_id is not None:
            data["c"] = self.case_id
        if self.reporter_mentions:
            data["m"] = list(self.reporter_mentions)
        return json.dumps(data, ensure_ascii=False)

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
        case_id = bounds.parse_id(data.get("c"))
        raw_mentions = data.get("m")
        if not isinstance(raw_mentions, list):
            raw_mentions = []
        mentions = tuple(m for m in raw_mentions if isinstance(m, str) and 1 < len(m) <= 100)
        return cls(
            submission_token=token or fallback_token,
            locale=locale,
            permalink=link,
            case_id=case_id,
            reporter_mentions=mentions[:10],
        )


@dataclass(frozen=True)
class ReportDraft:
    """A valid submission. `texts` holds every free-text field by block id (= `Case` column),
    exactly as typed."""

    categories: tuple[str, ...]
    occurred_at: datetime
    contact_channel: str
    customer_type: str
    texts: Mapping[str, str]
    in_danger: bool
    identity: str
    checkins_wanted: bool
    police_consent: bool
    source_permalink: str | None
    # Files from the form's file_input, as Slack describes them (never their bytes).
    evidence: tuple[dict[str, Any], ...] = ()
    # Desk members who must never see the case (user ids; stored apart from the case).
    excluded: tuple[str, ...] = ()


def _choice_options(field: Field, locale: str) -> list[dict[str, Any]]:
    options = []
    for key in field.choices:
        option = bk.option(t(f"{field.choice_labels}.{key}", locale), key)
        if field.described:
            description = t(f"{field.choice_labels}.{key}.description", locale)
            option["description"] = bk.plain(description, 75)
        options.append(option)
    return options


def _element(
    field: Field,
    locale: str,
    *,
    now: datetime,
    category_labels: Sequence[tuple[str, str]],
    prefill: Prefill | None,
    locations: Sequence[str] = (),
) -> bk.Block:
    placeholder = t(field.placeholder, locale) if field.placeholder else None
    if field.kind is Kind.TEXT:
        return bk.text_input(
            field.action_id,
            multiline=field.multiline,
            max_length=field.max_length,
            initial_value=(
                prefill.narrative[: field.max_length] if prefill and field is NARRATIVE else None
            ),
            placeholder=placeholder,
        )
    if field.kind is Kind.FILES:
        return {
            "type": field.kind.value,
            "action_id": field.action_id,
            "max_files": field.max_length,
        }
    if field.kind is Kind.USERS:
        return {
            "type": field.kind.value,
            "action_id": field.action_id,
            "max_selected_items": field.max_length,
        }
    if field.kind is Kind.DATETIME:
        return {
            "type": field.kind.value,
            "action_id": field.action_id,
            "initial_date_time": int(now.timestamp()),
        }
    if field is CATEGORIES:
        options = [bk.option(label, key) for key, label in category_labels]
    elif field is LOCATION_CHOICE:
        options = [bk.option(name, name) for name in locations]
    else:
        options = _choice_options(field, locale)
    chosen = [option for option in options if option["value"] in field.initial]
    initial: list[dict[str, Any]] | dict[str, Any] | None = None
    if chosen:
        initial = chosen if field.kind is Kind.CHECKBOXES else chosen[0]
    return bk.select(
        field.kind.value, field.action_id, options, initial=initial, placeholder=placeholder
    )


def report_modal(
    *,
    locale: str,
    now: datetime,
    metadata: FormMetadata,
    category_labels: Sequence[tuple[str, str]],
    desk_channel_name: str,
    retention: timedelta,
    prefill: Prefill | None = None,
    locations: Sequence[str] = (),
    content: ContentMode = ContentMode.FULL,
) -> bk.Block:
    """The report form, one input block per row of `FIELDS`. `category_labels` are (key, label)
    pairs in the viewer's language."""
    body: list[bk.Block] = [bk.context(t("report.intro", locale))]
    for field in FIELDS:
        if field.only_with_link and not metadata.permalink:
            continue
        if field is LOCATION_CHOICE and not locations:
            continue  # no LOCATIONS: the place is typed
        element = _element(
            field,
            locale,
            now=now,
            category_labels=category_labels,
            prefill=prefill,
            locations=locations,
        )
        if field.note:
            body.append(bk.context(t(field.note, locale, channel=desk_channel_name)))
        label, hint = f"report.field.{field.block_id}", field.hint
        if field.block_id == "location":
            # With a list, this is the "not listed" box under it; without one, the only field.
            if not locations:
                label = f"report.field.{LOCATION_CHOICE.block_id}"
            hint = "report.hint.location_other" if locations else "report.hint.location"
        elif field.block_id == "customer_text":
            hint = "report.hint.customer_text"
        body.append(
            bk.input_block(
                field.block_id,
                t(label, locale),
                element,
                optional=field.optional,
                hint=t(hint, locale) if hint else None,
            )
        )
    if metadata.permalink:
        link = bounds.link_target(metadata.permalink)
        body.insert(1, bk.context(t("report.prefilled_from", locale, link=link)))
    # The consent line says what is recorded, who sees it and when it is deleted.
    consent = t(
        "report.consent", locale, channel=desk_channel_name, retention=humanize(retention, locale)
    )
    # Then what the desk can and cannot see, and whether the texts travel in Slack.
    seen = t(f"report.consent_{content.value}", locale)
    body.append(bk.context(f"{consent}\n{seen}"))
    view = bk.modal(
        ids.REPORT_VIEW,
        t("report.title", locale),
        body,
        submit=t("report.submit", locale),
        close=t("report.close", locale),
        private_metadata=metadata.encode(),
    )
    # Slack tells us when the form is closed, so the next one may open at once.
    view["notify_on_close"] = True
    return view


def _value(values: Mapping[str, Any], field: Field) -> dict[str, Any]:
    block = values.get(field.block_id) or {}
    element = block.get(field.action_id) or {}
    return element if isinstance(element, dict) else {}


def _text(values: Mapping[str, Any], field: Field) -> str:
    """The typed text with NUL bytes removed (PostgreSQL cannot store them)."""
    value = _value(values, field).get("value")
    return bounds.clean_text(value) if isinstance(value, str) else ""


def _selected(values: Mapping[str, Any], field: Field) -> str | None:
    chosen = _value(values, field).get("selected_option")
    return chosen.get("value") if isinstance(chosen, dict) else None


def _selected_many(values: Mapping[str, Any], field: Field) -> list[str]:
    chosen = _value(values, field).get("selected_options") or []
    return [item["value"] for item in chosen if isinstance(item, dict) and "value" in item]


def parse_report(
    values: Mapping[str, Any],
    *,
    metadata: FormMetadata,
    now: datetime,
    category_keys: Sequence[str],
    locale: str,
    locations: Sequence[str] = (),
) -> ReportDraft | dict[str, str]:
    """A `ReportDraft`, or `{block_id: message}` errors for `response_action: errors`.

    Text is kept exactly as typed; only the emptiness check looks past whitespace.
    """
    errors: dict[str, str] = {}
    texts: dict[str, str] = {}
    for field in TEXT_FIELDS:
        text = texts[field.block_id] = _text(values, field)
        if not field.optional and not text.strip():
            errors[field.block_id] = t(f"report.error.{field.block_id}_empty", locale)
        elif len(text) > field.max_length:
            errors[field.block_id] = t("report.error.too_long", locale, limit=field.max_length)
        elif bounds.has_lone_surrogate(text):
            errors[field.block_id] = t("privacy.error.text_invalid", locale)

    raw_time = _value(values, OCCURRED_AT).get("selected_date_time")
    occurred_at = now
    if isinstance(raw_time, int | float) and not isinstance(raw_time, bool):
        # 1970 to now + tolerance; NaN, infinities and overflowing values are no time at all.
        parsed_time = bounds.parse_timestamp(raw_time, now=now, future_tolerance=FUTURE_TOLERANCE)
        if parsed_time is not None:
            occurred_at = parsed_time
        elif math.isfinite(raw_time) and raw_time > now.timestamp():
            errors[OCCURRED_AT.block_id] = t("report.error.future", locale)
        else:
            errors[OCCURRED_AT.block_id] = t("report.error.time_invalid", locale)
    elif raw_time is not None:
        errors[OCCURRED_AT.block_id] = t("report.error.time_invalid", locale)

    categories = _selected_many(values, CATEGORIES)
    if any(key not in category_keys for key in categories):
        errors[CATEGORIES.block_id] = t("report.error.invalid_choice", locale)
    # Optional choices left empty are "unknown"; only a value off the list is an error.
    contact_channel = _selected(values, CONTACT_CHANNEL) or UNKNOWN
    customer_type = _selected(values, CUSTOMER_TYPE) or UNKNOWN
    # Fail closed: a missing or unknown choice keeps the reporter's name out of the desk channel.
    identity = bounds.anonymous_unless_named(_selected(values, IDENTITY))
    for field, chosen in (
        (CONTACT_CHANNEL, contact_channel),
        (CUSTOMER_TYPE, customer_type),
    ):
        if chosen not in (*field.choices, *([UNKNOWN] if field.optional else [])):
            errors[field.block_id] = t("report.error.invalid_choice", locale)
    # Police consent is its own question; a form opened before it moved still sends it here.
    preferences = _selected_many(values, PREFERENCES) + _selected_many(values, POLICE)
    files = _value(values, EVIDENCE).get("files") or []
    place = _selected(values, LOCATION_CHOICE)
    if place is not None and place not in locations:
        errors[LOCATION_CHOICE.block_id] = t("report.error.invalid_choice", locale)
    elif place and not texts["location"].strip():
        texts["location"] = place  # a listed place; a typed one wins when both are given
    anonymous = identity != "named"
    if anonymous:
        texts = {key: _unmention(text, metadata, locale) for key, text in texts.items()}
    share_link = SHARE_LINK_CHOICE in _selected_many(values, SHARE_LINK)
    named = _value(values, EXCLUDED).get("selected_users") or []
    excluded = tuple(dict.fromkeys(u for u in named if isinstance(u, str) and bounds.is_user_id(u)))
    if len(excluded) > EXCLUDED.max_length:
        errors[EXCLUDED.block_id] = t("report.error.too_many_people", locale, limit=EXCLUDED_MAX)

    if errors:
        return errors
    return ReportDraft(
        categories=tuple(key for key in category_keys if key in categories),
        occurred_at=occurred_at,
        contact_channel=contact_channel,
        customer_type=customer_type,
        texts=texts,
        in_danger=_selected(values, IN_DANGER) == "yes",
        identity=identity,
        checkins_wanted=PREFERENCE_CHECKINS in preferences,
        police_consent=PREFERENCE_POLICE_OK in preferences,
        # An anonymous reporter's link (to their own DM or channel) only if they chose to share it.
        source_permalink=metadata.permalink if share_link or not anonymous else None,
        evidence=tuple(f for f in files if isinstance(f, dict)),
        excluded=excluded,
    )


def _unmention(text: str, metadata: FormMetadata, locale: str) -> str:
    """The reporter's own mentions in the quoted message, as "(the reporter)" / 「(相談者)」."""
    label = t("privacy.reporter_mention", locale)
    for mention in sorted(set(metadata.reporter_mentions), key=len, reverse=True):
        text = text.replace(mention, label)
    return text


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
