"""Slack's Block Kit limits (bot/standin/data/blockkit_limits.json has the sources) and a
check of blocks against them, for content that operators write (guidance)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

SECTION_TEXT_MAX = 3000
HEADER_TEXT_MAX = 150
BUTTON_TEXT_MAX = 75
OPTION_TEXT_MAX = 75
OPTION_VALUE_MAX = 150
OPTIONS_MAX = 100
PLACEHOLDER_TEXT_MAX = 150
FIELD_TEXT_MAX = 2000
SECTION_FIELDS_MAX = 10
CONTEXT_ELEMENTS_MAX = 10
ACTION_ELEMENTS_MAX = 25
ID_MAX = 255
VIEW_TITLE_MAX = 24
MESSAGE_BLOCKS_MAX = 50
VIEW_BLOCKS_MAX = 100
# Undocumented: Slack answers msg_blocks_too_long somewhere past ~12k characters of block text.
TOTAL_TEXT_MAX = 12000
# chat.postMessage truncates a message's text past 40,000 characters: no person's message in
# Slack is longer, so a longer one came from a forged or broken request.
MESSAGE_TEXT_MAX = 40000


def _length_problem(text: object, where: str, what: str, limit: int, problems: list[str]) -> int:
    if not isinstance(text, str) or not text.strip():
        problems.append(f"{where}: {what} is empty")
        return 0
    if len(text) > limit:
        problems.append(f"{where}: {what} is {len(text)} characters, over Slack's limit of {limit}")
    return len(text)


def _id_problem(value: object, where: str, problems: list[str]) -> None:
    if isinstance(value, str) and len(value) > ID_MAX:
        problems.append(f"{where}: id is {len(value)} characters, over Slack's limit of {ID_MAX}")


def _check_element(element: Mapping[str, Any], where: str, problems: list[str]) -> int:
    kind = element.get("type")
    _id_problem(element.get("action_id"), f"{where}.action_id", problems)
    if kind == "button":
        text = element.get("text", {}).get("text")
        return _length_problem(text, f"{where}.text", "button text", BUTTON_TEXT_MAX, problems)
    if kind == "static_select":
        total = _length_problem(
            element.get("placeholder", {}).get("text"),
            f"{where}.placeholder",
            "placeholder",
            PLACEHOLDER_TEXT_MAX,
            problems,
        )
        options = element.get("options", [])
        if not options or len(options) > OPTIONS_MAX:
            problems.append(f"{where}: {len(options)} options, Slack allows 1 to {OPTIONS_MAX}")
        for index, item in enumerate(options):
            item_where = f"{where}.options[{index}] ({item.get('value')!r})"
            text = item.get("text", {}).get("text")
            total += _length_problem(text, item_where, "option text", OPTION_TEXT_MAX, problems)
            value = item.get("value", "")
            if len(value) > OPTION_VALUE_MAX:
                problems.append(f"{item_where}: value is over Slack's limit of {OPTION_VALUE_MAX}")
        return total
    problems.append(f"{where}: element type {kind!r} is not checked here")
    return 0


def check_blocks(blocks: Sequence[Mapping[str, Any]]) -> list[str]:
    """Problems that would make Slack reject (or truncate) a message with these blocks."""
    problems: list[str] = []
    if len(blocks) > MESSAGE_BLOCKS_MAX:
        problems.append(
            f"{len(blocks)} blocks, over Slack's limit of {MESSAGE_BLOCKS_MAX} per message"
        )
    block_ids: set[str] = set()
    total = 0
    for index, block in enumerate(blocks):
        where = f"blocks[{index}]"
        block_id = block.get("block_id")
        if block_id is not None:
            _id_problem(block_id, f"{where}.block_id", problems)
            if block_id in block_ids:
                problems.append(f"{where}: block_id {block_id!r} is used twice")
            block_ids.add(block_id)
        kind = block.get("type")
        if kind == "section":
            fields = block.get("fields") or []
            if "text" in block or not fields:
                text = block.get("text", {}).get("text")
                total += _length_problem(
                    text, f"{where}.text", "section text", SECTION_TEXT_MAX, problems
                )
            if len(fields) > SECTION_FIELDS_MAX:
                problems.append(f"{where}: {len(fields)} fields, over {SECTION_FIELDS_MAX}")
            for number, item in enumerate(fields):
                total += _length_problem(
                    item.get("text"), f"{where}.fields[{number}]", "field", FIELD_TEXT_MAX, problems
                )
            if "accessory" in block:
                total += _check_element(block["accessory"], f"{where}.accessory", problems)
        elif kind == "header":
            text = block.get("text", {}).get("text")
            total += _length_problem(
                text, f"{where}.text", "header text", HEADER_TEXT_MAX, problems
            )
        elif kind == "context":
            elements = block.get("elements", [])
            if not elements or len(elements) > CONTEXT_ELEMENTS_MAX:
                problems.append(f"{where}: {len(elements)} elements, Slack allows 1 to 10")
            for number, item in enumerate(elements):
                total += _length_problem(
                    item.get("text"),
                    f"{where}.elements[{number}]",
                    "context text",
                    SECTION_TEXT_MAX,
                    problems,
                )
        elif kind == "actions":
            elements = block.get("elements", [])
            if not elements or len(elements) > ACTION_ELEMENTS_MAX:
                problems.append(f"{where}: {len(elements)} elements, Slack allows 1 to 25")
            for number, item in enumerate(elements):
                total += _check_element(item, f"{where}.elements[{number}]", problems)
        elif kind != "divider":
            problems.append(f"{where}: block type {kind!r} is not checked here")
    if total > TOTAL_TEXT_MAX:
        problems.append(
            f"{total} characters of text in one message; "
            f"Slack may refuse more than {TOTAL_TEXT_MAX}"
        )
    return problems
