"""The desk's modals (assign, escalate, note, resolve): pure builders and submission parsing."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from bot import bounds
from bot.desk import ids
from bot.desk.messages import outcome_label, target_label
from bot.desk.states import ESCALATION_TARGETS, OUTCOMES, Action
from bot.i18n import t
from bot.slack import blocks as bk

NOTE_MAX = 3000


@dataclass(frozen=True)
class ModalMeta:
    case_id: int
    version: int

    def encode(self) -> str:
        return json.dumps({"case_id": self.case_id, "version": self.version})

    @classmethod
    def decode(cls, raw: str) -> ModalMeta | None:
        try:
            data = json.loads(raw or "{}")
            case_id, version = bounds.parse_id(data["case_id"]), bounds.parse_count(data["version"])
        except (ValueError, KeyError, TypeError):
            return None
        return None if case_id is None or version is None else cls(case_id, version)


@dataclass(frozen=True)
class CaseSummary:
    """What a modal may show about the case: its reference and state, never its details."""

    reference: str
    status: str
    police_consent: bool
    assignee_user_id: str | None
    handlers: tuple[str, ...] = ()


@dataclass(frozen=True)
class ModalInput:
    handlers: tuple[str, ...] = ()
    assignee: str | None = None
    escalated_to: str | None = None
    outcome: str | None = None
    note: str | None = None


def _note_block(locale: str, *, optional: bool) -> bk.Block:
    return bk.input_block(
        ids.NOTE_BLOCK,
        t("desk.field.note", locale),
        bk.text_input(ids.input_id(ids.NOTE_BLOCK), multiline=True, max_length=NOTE_MAX),
        optional=optional,
        hint=t("desk.hint.note", locale),
    )


def _options(keys: tuple[str, ...], label: Callable[[str, str], str], locale: str) -> list[Any]:
    return [bk.option(label(key, locale), key) for key in keys]


HANDLERS_MAX = 10


def _assignee_block(case: CaseSummary, locale: str) -> bk.Block:
    picker: bk.Block = {
        "type": "users_select",
        "action_id": ids.input_id(ids.ASSIGNEE_BLOCK),
        "placeholder": bk.plain(t("desk.placeholder.assignee", locale), 150),
    }
    if case.assignee_user_id:
        picker["initial_user"] = case.assignee_user_id
    return bk.input_block(
        ids.ASSIGNEE_BLOCK,
        t("desk.field.assignee", locale),
        picker,
        hint=t("desk.hint.assignee", locale),
    )


def _handlers_block(case: CaseSummary, locale: str) -> bk.Block:
    picker: bk.Block = {
        "type": "multi_users_select",
        "action_id": ids.input_id(ids.HANDLERS_BLOCK),
        "max_selected_items": HANDLERS_MAX,
    }
    if case.handlers:
        picker["initial_users"] = list(case.handlers)
    return bk.input_block(
        ids.HANDLERS_BLOCK,
        t("desk.field.handlers", locale),
        picker,
        hint=t("desk.hint.handlers", locale),
    )


def _parse_handlers(
    values: Mapping[str, Any], locale: str, is_staff: Callable[[str], bool]
) -> tuple[str, ...] | str:
    chosen = _value(values, ids.HANDLERS_BLOCK).get("selected_users") or []
    people = tuple(dict.fromkeys(u for u in chosen if bounds.is_user_id(u)))
    if not people or len(people) > HANDLERS_MAX:
        return t("desk.error.choose_handlers", locale, limit=HANDLERS_MAX)
    if not all(is_staff(person) for person in people):
        return t("desk.error.not_desk_member", locale)
    return people


def desk_modal(action: Action, meta: ModalMeta, case: CaseSummary, locale: str) -> bk.Block:
    """The modal for `action` on the case; `meta` (id and version) rides in private_metadata."""
    status = t(f"status.{case.status}", locale)
    blocks: list[bk.Block] = [
        bk.context(t("desk.modal.case", locale, reference=case.reference, status=status))
    ]
    if action is Action.ASSIGN:
        blocks.append(_assignee_block(case, locale))
        blocks.append(_note_block(locale, optional=True))
    elif action is Action.ESCALATE:
        consent = "yes" if case.police_consent else "no"
        blocks.append(
            bk.input_block(
                ids.ESCALATE_TO_BLOCK,
                t("desk.field.escalate_to", locale),
                bk.select(
                    "radio_buttons",
                    ids.input_id(ids.ESCALATE_TO_BLOCK),
                    _options(ESCALATION_TARGETS, target_label, locale),
                ),
                hint=t(f"desk.hint.police_consent_{consent}", locale),
            )
        )
        blocks.append(_note_block(locale, optional=True))
    elif action is Action.RESTRICT:
        blocks.append(_handlers_block(case, locale))
    elif action is Action.RESOLVE:
        blocks.append(
            bk.input_block(
                ids.OUTCOME_BLOCK,
                t("desk.field.outcome", locale),
                bk.select(
                    "radio_buttons",
                    ids.input_id(ids.OUTCOME_BLOCK),
                    _options(OUTCOMES, outcome_label, locale),
                ),
            )
        )
        blocks.append(_note_block(locale, optional=True))
        blocks.append(bk.context(t("desk.hint.prevention_open", locale)))
    else:
        blocks.append(_note_block(locale, optional=False))
    return bk.modal(
        ids.view_id(action.value),
        t(f"desk.modal.{action.value}.title", locale),
        blocks,
        submit=t("desk.modal.submit", locale),
        close=t("desk.modal.cancel", locale),
        private_metadata=meta.encode(),
    )


def _value(values: Mapping[str, Any], block_id: str) -> dict[str, Any]:
    entry = (values.get(block_id) or {}).get(ids.input_id(block_id))
    return entry if isinstance(entry, dict) else {}


def _choice(values: Mapping[str, Any], block_id: str, allowed: tuple[str, ...]) -> str | None:
    option = _value(values, block_id).get("selected_option") or {}
    choice = option.get("value") if isinstance(option, dict) else None
    return choice if choice in allowed else None


def parse_modal(
    action: Action,
    values: Mapping[str, Any],
    *,
    locale: str,
    is_staff: Callable[[str], bool],
) -> ModalInput | dict[str, str]:
    """The submitted fields, or field errors (block id -> message) for `response_action: errors`."""
    errors: dict[str, str] = {}
    raw_note = _value(values, ids.NOTE_BLOCK).get("value")
    note = bounds.clean_text(raw_note if isinstance(raw_note, str) else "").strip()
    if len(note) > NOTE_MAX:
        errors[ids.NOTE_BLOCK] = t("desk.error.too_long", locale, limit=NOTE_MAX)
    elif bounds.has_lone_surrogate(note):
        errors[ids.NOTE_BLOCK] = t("privacy.error.text_invalid", locale)
    parsed = ModalInput(note=note or None)
    if action is Action.ASSIGN:
        assignee = _value(values, ids.ASSIGNEE_BLOCK).get("selected_user")
        if not isinstance(assignee, str) or not assignee:
            errors[ids.ASSIGNEE_BLOCK] = t("desk.error.choose_one", locale)
        elif not is_staff(assignee):
            errors[ids.ASSIGNEE_BLOCK] = t("desk.error.not_desk_member", locale)
        parsed = ModalInput(assignee=assignee, note=parsed.note)
    elif action is Action.ESCALATE:
        target = _choice(values, ids.ESCALATE_TO_BLOCK, ESCALATION_TARGETS)
        if target is None:
            errors[ids.ESCALATE_TO_BLOCK] = t("desk.error.choose_one", locale)
        parsed = ModalInput(escalated_to=target, note=parsed.note)
    elif action is Action.RESTRICT:
        handlers = _parse_handlers(values, locale, is_staff)
        if isinstance(handlers, str):
            errors[ids.HANDLERS_BLOCK] = handlers
        else:
            parsed = ModalInput(handlers=handlers)
    elif action is Action.RESOLVE:
        outcome = _choice(values, ids.OUTCOME_BLOCK, OUTCOMES)
        if outcome is None:
            errors[ids.OUTCOME_BLOCK] = t("desk.error.choose_one", locale)
        elif outcome == "other" and not note:
            errors[ids.NOTE_BLOCK] = t("desk.error.note_for_other", locale)
        parsed = ModalInput(outcome=outcome, note=parsed.note)
    elif not note:
        errors[ids.NOTE_BLOCK] = t("desk.error.note_empty", locale)
    return errors or parsed


def notice_modal(text: str, locale: str) -> bk.Block:
    """Replaces a desk modal whose action could not be applied: says why, in mrkdwn."""
    return bk.modal(
        ids.NOTICE_VIEW,
        t("desk.modal.notice.title", locale),
        [bk.section(text)],
        close=t("desk.modal.close", locale),
    )
