"""The handling's modals (facts, care, measure, prevention, feedback, cooperation; the reporter's
survey): pure builders and submission parsers. Labels are `handling.*` catalogue keys."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot import bounds
from bot.handling import ids
from bot.i18n import t
from bot.slack import blocks as bk

TEXT_MAX = 3000
COMPANY_MAX = 200

CHECKLISTS: Mapping[str, tuple[str, ...]] = {
    ids.CONFIRMED_BLOCK: ids.CONFIRMED,
    ids.METHODS_BLOCK: ids.METHODS,
    ids.WITH_WHOM_BLOCK: ids.WITH_WHOM,
    ids.OFFERED_BLOCK: ids.CARE_CHOICES,
    ids.ACCEPTED_BLOCK: ids.CARE_CHOICES,
}
RADIOS: Mapping[str, tuple[str, ...]] = {
    ids.KIND_BLOCK: ids.MEASURE_KINDS,
    ids.DIRECTION_BLOCK: ids.DIRECTIONS,
    ids.SUPPORTED_BLOCK: ids.SCALE,
    ids.AGAIN_BLOCK: ids.SCALE,
}
# Free-text blocks: (block id, multiline, limit).
TEXTS: Mapping[str, tuple[bool, int]] = {
    ids.NOTES_BLOCK: (True, TEXT_MAX),
    ids.TEXT_BLOCK: (True, TEXT_MAX),
    ids.COMPANY_BLOCK: (False, COMPANY_MAX),
    ids.ASKED_BLOCK: (True, TEXT_MAX),
    ids.ANSWERED_BLOCK: (True, TEXT_MAX),
    ids.COMMENT_BLOCK: (True, TEXT_MAX),
}
# Each modal's blocks, in order, and which of them may be left empty.
LAYOUT: Mapping[str, tuple[tuple[str, bool], ...]] = {
    ids.FACTS: (
        (ids.CONFIRMED_BLOCK, False),
        (ids.METHODS_BLOCK, False),
        (ids.WITH_WHOM_BLOCK, False),
        (ids.NOTES_BLOCK, True),
    ),
    ids.CARE: ((ids.OFFERED_BLOCK, False), (ids.ACCEPTED_BLOCK, True), (ids.NOTES_BLOCK, True)),
    ids.MEASURE: ((ids.KIND_BLOCK, False),),
    ids.PREVENTION: ((ids.TEXT_BLOCK, False), (ids.OWNER_BLOCK, False), (ids.DUE_BLOCK, False)),
    ids.FEEDBACK: ((ids.TEXT_BLOCK, False),),
    ids.COOPERATION: (
        (ids.DIRECTION_BLOCK, False),
        (ids.COMPANY_BLOCK, False),
        (ids.DATE_BLOCK, False),
        (ids.ASKED_BLOCK, False),
        (ids.ANSWERED_BLOCK, True),
    ),
    "survey": ((ids.SUPPORTED_BLOCK, False), (ids.AGAIN_BLOCK, False), (ids.COMMENT_BLOCK, True)),
}


@dataclass(frozen=True)
class StepInput:
    """A submitted handling modal: checklists, choices, texts, a user and a date by block id."""

    lists: Mapping[str, tuple[str, ...]]
    choices: Mapping[str, str]
    texts: Mapping[str, str]
    user: str | None = None
    day: date | None = None

    def text(self, block_id: str) -> str:
        return self.texts.get(block_id, "")


def metadata(case_id: int) -> str:
    return json.dumps({"case_id": case_id})


def case_of(view: Mapping[str, Any]) -> int | None:
    try:
        data = json.loads(view.get("private_metadata") or "{}")
        return bounds.parse_id(data["case_id"])
    except (ValueError, KeyError, TypeError):
        return None


def _element(block_id: str, locale: str, *, actor: str, today: date) -> bk.Block:
    action_id = ids.input_id(block_id)
    if block_id in CHECKLISTS:
        options = [bk.option(t(f"handling.choice.{k}", locale), k) for k in CHECKLISTS[block_id]]
        return bk.select("checkboxes", action_id, options)
    if block_id in RADIOS:
        options = [bk.option(t(f"handling.choice.{k}", locale), k) for k in RADIOS[block_id]]
        return bk.select("radio_buttons", action_id, options)
    if block_id == ids.OWNER_BLOCK:
        return {"type": "users_select", "action_id": action_id, "initial_user": actor}
    if block_id in (ids.DUE_BLOCK, ids.DATE_BLOCK):
        return {"type": "datepicker", "action_id": action_id, "initial_date": today.isoformat()}
    multiline, limit = TEXTS[block_id]
    return bk.text_input(action_id, multiline=multiline, max_length=limit)


def step_modal(
    what: str, case_id: int, reference: str, locale: str, *, actor: str, today: date
) -> bk.Block:
    """The modal of a handling step on the case `reference`; the case id rides in metadata."""
    blocks: list[bk.Block] = [bk.context(t("handling.modal.case", locale, reference=reference))]
    for block_id, optional in LAYOUT[what]:
        blocks.append(
            bk.input_block(
                block_id,
                t(f"handling.field.{what}.{block_id}", locale),
                _element(block_id, locale, actor=actor, today=today),
                optional=optional,
            )
        )
    view_id = ids.SURVEY_VIEW if what == "survey" else ids.view_id(what)
    return bk.modal(
        view_id,
        t(f"handling.modal.{what}.title", locale),
        blocks,
        submit=t("handling.modal.submit", locale),
        close=t("handling.modal.cancel", locale),
        private_metadata=metadata(case_id),
    )


def _entry(values: Mapping[str, Any], block_id: str) -> dict[str, Any]:
    entry = (values.get(block_id) or {}).get(ids.input_id(block_id))
    return entry if isinstance(entry, dict) else {}


def _clean(raw: object) -> str:
    return bounds.clean_text(raw if isinstance(raw, str) else "").strip()


def parse_step(what: str, values: Mapping[str, Any], locale: str) -> StepInput | dict[str, str]:
    """The submitted fields, or field errors (block id -> message)."""
    errors: dict[str, str] = {}
    lists: dict[str, tuple[str, ...]] = {}
    choices: dict[str, str] = {}
    texts: dict[str, str] = {}
    user: str | None = None
    day: date | None = None
    for block_id, optional in LAYOUT[what]:
        entry = _entry(values, block_id)
        if block_id in CHECKLISTS:
            picked = [o.get("value") for o in entry.get("selected_options") or []]
            lists[block_id] = tuple(k for k in CHECKLISTS[block_id] if k in picked)
            filled = bool(lists[block_id])
        elif block_id in RADIOS:
            option = entry.get("selected_option") or {}
            value = option.get("value") if isinstance(option, dict) else None
            if value in RADIOS[block_id]:
                choices[block_id] = str(value)
            filled = block_id in choices
        elif block_id == ids.OWNER_BLOCK:
            raw_user = entry.get("selected_user")
            user = raw_user if isinstance(raw_user, str) and raw_user else None
            filled = user is not None
        elif block_id in (ids.DUE_BLOCK, ids.DATE_BLOCK):
            try:
                day = date.fromisoformat(str(entry.get("selected_date") or ""))
            except ValueError:
                day = None
            filled = day is not None
        else:
            text = _clean(entry.get("value"))
            limit = TEXTS[block_id][1]
            if len(text) > limit:
                errors[block_id] = t("handling.error.too_long", locale, limit=limit)
            elif bounds.has_lone_surrogate(text):
                errors[block_id] = t("privacy.error.text_invalid", locale)
            texts[block_id] = text
            filled = bool(text)
        if not filled and not optional and block_id not in errors:
            errors[block_id] = t("handling.error.required", locale)
    if errors:
        return errors
    return StepInput(lists=lists, choices=choices, texts=texts, user=user, day=day)


def notice_modal(text: str, locale: str) -> bk.Block:
    return bk.modal(
        "handling_notice",
        t("handling.modal.notice.title", locale),
        [bk.section(text)],
        close=t("handling.modal.cancel", locale),
    )
