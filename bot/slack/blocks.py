"""Small pure Block Kit constructors, so no dict literal is written twice."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.slack.limits import (
    BUTTON_TEXT_MAX,
    HEADER_TEXT_MAX,
    OPTION_TEXT_MAX,
    SECTION_TEXT_MAX,
    VIEW_TITLE_MAX,
)
from bot.slack.mrkdwn import split_escaped, truncate_plain

Block = dict[str, Any]


@dataclass(frozen=True)
class SlackMessage:
    """What `chat.postMessage` / `chat.update` need: notification text and blocks."""

    text: str
    blocks: list[Block]


def plain(text: str, limit: int | None = None) -> dict[str, Any]:
    return {"type": "plain_text", "text": truncate_plain(text, limit) if limit else text}


def mrkdwn(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": text}


def header(text: str) -> Block:
    return {"type": "header", "text": plain(text, HEADER_TEXT_MAX)}


def section(text: str, *, block_id: str | None = None, accessory: Block | None = None) -> Block:
    block: Block = {"type": "section", "text": mrkdwn(text)}
    if block_id:
        block["block_id"] = block_id
    if accessory:
        block["accessory"] = accessory
    return block


def fields(items: list[str]) -> Block:
    return {"type": "section", "fields": [mrkdwn(item) for item in items[:10]]}


def context(text: str) -> Block:
    return {"type": "context", "elements": [mrkdwn(text)]}


def divider() -> Block:
    return {"type": "divider"}


def option(text: str, value: str) -> dict[str, Any]:
    return {"text": plain(text, OPTION_TEXT_MAX), "value": value}


def button(
    text: str, action_id: str, value: str = "", *, style: str | None = None, url: str | None = None
) -> Block:
    element: Block = {
        "type": "button",
        "text": plain(text, BUTTON_TEXT_MAX),
        "action_id": action_id,
    }
    if value:
        element["value"] = value
    if style:
        element["style"] = style
    if url:
        element["url"] = url
    return element


def actions(elements: list[Block], *, block_id: str | None = None) -> Block:
    block: Block = {"type": "actions", "elements": elements[:25]}
    if block_id:
        block["block_id"] = block_id
    return block


def input_block(
    block_id: str,
    label: str,
    element: Block,
    *,
    optional: bool = False,
    hint: str | None = None,
) -> Block:
    block: Block = {
        "type": "input",
        "block_id": block_id,
        "label": plain(label, 2000),
        "element": element,
        "optional": optional,
    }
    if hint:
        block["hint"] = plain(hint, 2000)
    return block


def text_input(
    action_id: str,
    *,
    multiline: bool = False,
    max_length: int = 3000,
    initial_value: str | None = None,
    placeholder: str | None = None,
) -> Block:
    element: Block = {
        "type": "plain_text_input",
        "action_id": action_id,
        "multiline": multiline,
        "max_length": max_length,
    }
    if initial_value:
        element["initial_value"] = initial_value[:max_length]
    if placeholder:
        element["placeholder"] = plain(placeholder, 150)
    return element


def select(
    kind: str,
    action_id: str,
    options: list[dict[str, Any]],
    *,
    initial: list[dict[str, Any]] | dict[str, Any] | None = None,
    placeholder: str | None = None,
) -> Block:
    """`static_select`, `multi_static_select`, `radio_buttons` or `checkboxes`."""
    element: Block = {"type": kind, "action_id": action_id, "options": options[:100]}
    if placeholder and kind in ("static_select", "multi_static_select"):
        element["placeholder"] = plain(placeholder, 150)
    if initial:
        key = (
            "initial_options" if kind in ("multi_static_select", "checkboxes") else "initial_option"
        )
        element[key] = initial
    return element


def modal(
    callback_id: str,
    title: str,
    blocks: list[Block],
    *,
    submit: str | None = None,
    close: str | None = None,
    private_metadata: str = "",
) -> Block:
    view: Block = {
        "type": "modal",
        "callback_id": callback_id,
        "title": plain(title, VIEW_TITLE_MAX),
        "blocks": blocks,
    }
    if submit:
        view["submit"] = plain(submit, VIEW_TITLE_MAX)
    if close:
        view["close"] = plain(close, VIEW_TITLE_MAX)
    if private_metadata:
        view["private_metadata"] = private_metadata
    return view


def long_text_sections(escaped: str, *, prefix: str = "", max_sections: int = 6) -> list[Block]:
    """Spread already-escaped mrkdwn over as many sections as Slack needs (3000 chars each).

    Past `max_sections` the text is cut with a marker instead of being rejected by Slack.
    """
    chunks = split_escaped(prefix + escaped, SECTION_TEXT_MAX)
    if len(chunks) > max_sections:
        chunks = chunks[:max_sections]
        chunks[-1] = chunks[-1][: SECTION_TEXT_MAX - 2] + " …"
    return [section(chunk) for chunk in chunks]
