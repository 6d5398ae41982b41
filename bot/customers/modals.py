"""The register's modals (pure): *Link to customer* and *Record measure*, and their parsers."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.bounds import parse_id
from bot.customers import ids
from bot.customers.identifiers import KIND_TEXT, MAX_IDENTIFIER, extract_identifiers
from bot.customers.service import CaseCustomers, CustomerSummary
from bot.i18n import t
from bot.slack import blocks as bk
from bot.slack.mrkdwn import escape
from storage.models import MeasureKind

IDENTIFIERS_MAX = 2000


def _suggestion_label(summary: CustomerSummary, locale: str) -> str:
    cases = t("customer.cases", locale, count=len(summary.case_references), references="")
    mark = "⛔ " if summary.banned else ""
    if summary.same_name:
        mark += t("customer.same_name_mark", locale) + " "
    return f"{mark}{summary.display_name} · {cases.rstrip(': ')}"


def link_modal(case_id: int, data: CaseCustomers, locale: str) -> bk.Block:
    given = (
        t("customer.modal.given", locale, given=escape(data.given))
        if data.given
        else t("customer.modal.given_none", locale)
    )
    blocks: list[bk.Block] = [
        bk.section(f"*{t('customer.modal.case', locale, reference=data.reference)}*\n{given}")
    ]
    if data.linked is not None:
        name = escape(data.linked.display_name)
        blocks.append(bk.context(t("customer.modal.linked_now", locale, name=name)))
    options = [bk.option(_suggestion_label(s, locale), str(s.id)) for s in data.suggestions]
    new = bk.option(t("customer.field.pick_new", locale), ids.NEW_RECORD)
    options = [*options[:9], new]
    # A record found by its name alone may be a namesake: linking to it is the desk's choice.
    strong = data.suggestions and not data.suggestions[0].same_name
    blocks.append(
        bk.input_block(
            ids.PICK_BLOCK,
            t("customer.field.pick", locale),
            bk.select(
                "radio_buttons",
                ids.input_id(ids.PICK_BLOCK),
                options,
                initial=options[0] if strong else new,
            ),
        )
    )
    # What the reporter wrote, taken apart: the name for the record, one identifier per line.
    found = extract_identifiers(data.given)
    identifiers = [identifier.text for identifier in found]
    names = [identifier.text for identifier in found if identifier.kind == KIND_TEXT]
    name = (names or identifiers or [""])[0][:MAX_IDENTIFIER]
    blocks.append(
        bk.input_block(
            ids.NAME_BLOCK,
            t("customer.field.name", locale),
            bk.text_input(
                ids.input_id(ids.NAME_BLOCK),
                max_length=MAX_IDENTIFIER,
                initial_value=name or None,
            ),
            optional=True,
        )
    )
    blocks.append(
        bk.input_block(
            ids.IDENTIFIERS_BLOCK,
            t("customer.field.identifiers", locale),
            bk.text_input(
                ids.input_id(ids.IDENTIFIERS_BLOCK),
                multiline=True,
                max_length=IDENTIFIERS_MAX,
                initial_value="\n".join(identifiers)[:IDENTIFIERS_MAX] or None,
            ),
            optional=True,
        )
    )
    return bk.modal(
        ids.LINK_VIEW,
        t("customer.modal.link_title", locale),
        blocks,
        submit=t("customer.modal.save", locale),
        close=t("customer.modal.cancel", locale),
        private_metadata=json.dumps({"case_id": case_id}),
    )


def measure_modal(customer_id: int, name: str, today: date, locale: str) -> bk.Block:
    options = [bk.option(t(f"customer.measure.{kind}", locale), kind) for kind in MeasureKind.ALL]
    blocks: list[bk.Block] = [
        bk.section(f"*{escape(name)}*"),
        bk.input_block(
            ids.KIND_BLOCK,
            t("customer.field.kind", locale),
            bk.select("static_select", ids.input_id(ids.KIND_BLOCK), options),
        ),
        bk.input_block(
            ids.FROM_BLOCK,
            t("customer.field.from", locale),
            {
                "type": "datepicker",
                "action_id": ids.input_id(ids.FROM_BLOCK),
                "initial_date": today.isoformat(),
            },
        ),
        bk.input_block(
            ids.UNTIL_BLOCK,
            t("customer.field.until", locale),
            {"type": "datepicker", "action_id": ids.input_id(ids.UNTIL_BLOCK)},
            optional=True,
        ),
    ]
    return bk.modal(
        ids.MEASURE_VIEW,
        t("customer.modal.measure_title", locale),
        blocks,
        submit=t("customer.modal.save", locale),
        close=t("customer.modal.cancel", locale),
        private_metadata=json.dumps({"customer_id": customer_id}),
    )


def metadata_id(view: dict[str, Any], key: str) -> int | None:
    try:
        value = json.loads(view.get("private_metadata") or "{}").get(key)
    except (ValueError, AttributeError):
        return None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _element(values: dict[str, Any], block_id: str) -> dict[str, Any]:
    element = values.get(block_id, {}).get(ids.input_id(block_id), {})
    return element if isinstance(element, dict) else {}


def _text(values: dict[str, Any], block_id: str) -> str:
    return str(_element(values, block_id).get("value") or "")


def _picked(values: dict[str, Any], block_id: str) -> str:
    option = _element(values, block_id).get("selected_option") or {}
    return str(option.get("value") or "") if isinstance(option, dict) else ""


def _date(values: dict[str, Any], block_id: str) -> date | None:
    raw = _element(values, block_id).get("selected_date")
    try:
        return date.fromisoformat(raw) if isinstance(raw, str) else None
    except ValueError:
        return None


@dataclass(frozen=True)
class LinkChoice:
    customer_id: int | None  # None: create a new record
    name: str
    identifiers: str


def parse_link(values: dict[str, Any]) -> LinkChoice:
    picked = _picked(values, ids.PICK_BLOCK)
    customer_id = parse_id(picked)
    return LinkChoice(
        customer_id, _text(values, ids.NAME_BLOCK), _text(values, ids.IDENTIFIERS_BLOCK)
    )


@dataclass(frozen=True)
class MeasureChoice:
    kind: str
    starts_on: date | None
    ends_on: date | None


def parse_measure(values: dict[str, Any]) -> MeasureChoice:
    kind = _picked(values, ids.KIND_BLOCK)
    ends_on = _date(values, ids.UNTIL_BLOCK) if kind == MeasureKind.BANNED else None
    return MeasureChoice(kind, _date(values, ids.FROM_BLOCK), ends_on)


def field_errors(errors: dict[str, str], locale: str) -> dict[str, str]:
    return {ids.ERROR_BLOCKS[name]: t(code, locale) for name, code in errors.items()}
