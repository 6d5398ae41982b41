"""Block Kit validation against ``data/blockkit_limits.json`` (pure functions, no HTTP).

``validate_message_blocks(blocks)`` and ``validate_view(view)`` return Slack-style error strings
such as ``"must be less than 3001 characters [json-pointer:/blocks/0/text/text]"``; an empty list
means Slack would accept the payload (as far as the documented limits go). The stand-in server
wraps them in the exact response shapes Slack uses (``invalid_blocks`` / ``invalid_arguments``).
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

__all__ = [
    "invalid_blocks_response",
    "invalid_view_response",
    "limit",
    "validate_message_blocks",
    "validate_view",
]


@cache
def _limits() -> dict[str, dict[str, Any]]:
    text = resources.files(__package__).joinpath("data/blockkit_limits.json").read_text("utf-8")
    return {entry["what"]: entry for entry in json.loads(text)["limits"]}


def limit(what: str) -> Any:
    """The ``max`` (or ``range``) of the entry named ``what`` in blockkit_limits.json."""
    entry = _limits()[what]
    return entry.get("max", entry.get("range"))


class _Checker:
    def __init__(self) -> None:
        self.errors: list[str] = []
        self.block_ids: set[str] = set()
        self.surface = "message"  # or the view type: "modal", "home"

    def err(self, message: str, ptr: str) -> None:
        self.errors.append(f"{message} [json-pointer:{ptr}]")

    def text_len(self, value: Any, max_len: int, ptr: str) -> None:
        if isinstance(value, str) and len(value) > max_len:
            self.err(f"must be less than {max_len + 1} characters", ptr)

    def text_obj(self, obj: Any, max_len: int, ptr: str, *, plain_only: bool = False) -> None:
        if obj is None:
            return
        if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
            self.err("must be a text object with a string `text`", ptr)
            return
        kinds = ("plain_text",) if plain_only else ("plain_text", "mrkdwn")
        if obj.get("type") not in kinds:
            self.err(f"must be one of {list(kinds)}", f"{ptr}/type")
        self.text_len(obj["text"], max_len, f"{ptr}/text")

    def count(self, items: Any, max_n: int, ptr: str, min_n: int = 0) -> None:
        if isinstance(items, list) and len(items) > max_n:
            self.err(f"no more than {max_n} items allowed", ptr)
        if isinstance(items, list) and len(items) < min_n:
            self.err(f"must provide at least {min_n} items", ptr)

    def options(self, options: Any, ptr: str) -> None:
        for i, opt in enumerate(options if isinstance(options, list) else []):
            p = f"{ptr}/{i}"
            self.text_obj(opt.get("text"), limit("option text"), f"{p}/text")
            self.text_len(opt.get("value"), limit("option value"), f"{p}/value")
            self.text_obj(opt.get("description"), limit("option description"), f"{p}/description")

    def confirm(self, conf: Any, ptr: str) -> None:
        if isinstance(conf, dict):
            t, x, c, d = limit("confirm object title/text/confirm/deny")
            self.text_obj(conf.get("title"), t, f"{ptr}/title", plain_only=True)
            self.text_obj(conf.get("text"), x, f"{ptr}/text")
            self.text_obj(conf.get("confirm"), c, f"{ptr}/confirm", plain_only=True)
            self.text_obj(conf.get("deny"), d, f"{ptr}/deny", plain_only=True)

    def element(self, el: Any, ptr: str, action_ids: set[str]) -> None:
        if not isinstance(el, dict) or not isinstance(el.get("type"), str):
            self.err("must be an object with a `type`", ptr)
            return
        kind = el["type"]
        if "action_id" in el:
            aid = el["action_id"]
            self.text_len(aid, limit("action_id"), f"{ptr}/action_id")
            if aid in action_ids:
                self.err(f"duplicate action_id: {aid}", f"{ptr}/action_id")
            action_ids.add(aid)
        self.confirm(el.get("confirm"), f"{ptr}/confirm")
        self.text_obj(
            el.get("placeholder"), limit("select/input placeholder"), f"{ptr}/placeholder"
        )
        if kind == "button":
            self.text_obj(
                el.get("text"), limit("button text (plain_text)"), f"{ptr}/text", plain_only=True
            )
            self.text_len(el.get("value"), limit("button value"), f"{ptr}/value")
            self.text_len(el.get("url"), limit("button url"), f"{ptr}/url")
            self.text_len(
                el.get("accessibility_label"),
                limit("button accessibility_label"),
                f"{ptr}/accessibility_label",
            )
        elif kind in ("static_select", "multi_static_select"):
            n = limit("static_select options / option_groups")
            self.count(el.get("options"), n, f"{ptr}/options")
            self.options(el.get("options"), f"{ptr}/options")
            self.count(el.get("option_groups"), n, f"{ptr}/option_groups")
            for g, group in enumerate(el.get("option_groups") or []):
                self.options(group.get("options"), f"{ptr}/option_groups/{g}/options")
            if not el.get("options") and not el.get("option_groups"):
                self.err("must provide either options or option_groups", ptr)
        elif kind in ("checkboxes", "radio_buttons", "overflow"):
            what = {"checkboxes": "checkboxes options", "radio_buttons": "radio_buttons options"}
            n = limit(what.get(kind, "overflow options"))
            self.count(el.get("options"), n, f"{ptr}/options", min_n=1)
            self.options(el.get("options"), f"{ptr}/options")
        elif kind == "file_input":
            lo, hi = limit("file_input max_files")
            v = el.get("max_files")
            if v is not None and (not isinstance(v, int) or not lo <= v <= hi):
                self.err(f"must be an integer between {lo} and {hi}", f"{ptr}/max_files")
            if not ptr.endswith("/element") or self.surface != "modal":
                # "must be used inside the input block"; surfaces: modals only
                self.err("unsupported type: file_input only in a modal's input block", ptr)
        elif kind == "plain_text_input":
            lo, hi = limit("plain_text_input max_length")
            for key in ("max_length", "min_length"):
                v = el.get(key)
                low = lo if key == "max_length" else 0
                if v is not None and (not isinstance(v, int) or not low <= v <= hi):
                    self.err(f"must be an integer between {low} and {hi}", f"{ptr}/{key}")

    def block(self, block: Any, ptr: str, *, in_view: bool) -> None:
        if not isinstance(block, dict) or not isinstance(block.get("type"), str):
            self.err("must be an object with a `type`", ptr)
            return
        kind = block["type"]
        if "block_id" in block:
            bid = block["block_id"]
            self.text_len(bid, limit("block_id"), f"{ptr}/block_id")
            if bid in self.block_ids:
                self.err(f"duplicate block_id: {bid}", f"{ptr}/block_id")
            self.block_ids.add(bid)
        action_ids: set[str] = set()
        if kind == "section":
            if block.get("text") is None and not block.get("fields"):
                self.err("must provide either text or fields", ptr)
            self.text_obj(block.get("text"), limit("section text"), f"{ptr}/text")
            if isinstance(block.get("text"), dict) and block["text"].get("text") == "":
                self.err("must be more than 0 characters", f"{ptr}/text/text")
            self.count(block.get("fields"), limit("section fields count"), f"{ptr}/fields")
            for i, field in enumerate(block.get("fields") or []):
                self.text_obj(field, limit("section field text"), f"{ptr}/fields/{i}")
            if "accessory" in block:
                self.element(block["accessory"], f"{ptr}/accessory", action_ids)
        elif kind == "header":
            self.text_obj(
                block.get("text"), limit("header text (plain_text)"), f"{ptr}/text", plain_only=True
            )
        elif kind in ("actions", "context"):
            what = "actions block elements" if kind == "actions" else "context block elements"
            self.count(block.get("elements"), limit(what), f"{ptr}/elements", min_n=1)
            for i, el in enumerate(block.get("elements") or []):
                if kind == "actions" or el.get("type") not in ("image", "plain_text", "mrkdwn"):
                    self.element(el, f"{ptr}/elements/{i}", action_ids)
        elif kind == "input":
            self.text_obj(
                block.get("label"),
                limit("input block label / hint"),
                f"{ptr}/label",
                plain_only=True,
            )
            self.text_obj(
                block.get("hint"), limit("input block label / hint"), f"{ptr}/hint", plain_only=True
            )
            if not isinstance(block.get("element"), dict):
                self.err("must provide an element", f"{ptr}/element")
            elif block["element"].get("type") == "file_input" and block.get("dispatch_action"):
                self.err("unsupported type: dispatch_action with file_input", f"{ptr}/element")
            else:
                self.element(block["element"], f"{ptr}/element", action_ids)

    def blocks(self, blocks: Any, ptr: str, max_blocks: int, *, in_view: bool) -> None:
        if not isinstance(blocks, list):
            self.err("must be an array", ptr)
            return
        self.count(blocks, max_blocks, ptr)
        for i, block in enumerate(blocks):
            self.block(block, f"{ptr}/{i}", in_view=in_view)
        md = sum(
            len(b.get("text", ""))
            for b in blocks
            if isinstance(b, dict) and b.get("type") == "markdown"
        )
        if not in_view and md > limit("markdown block text (cumulative per message)"):
            self.err("markdown blocks exceed the cumulative 12000 characters limit", ptr)


def validate_message_blocks(blocks: Any) -> list[str]:
    """Check message ``blocks`` (a list of dicts); returns Slack-style errors, ``[]`` if valid."""
    checker = _Checker()
    checker.blocks(blocks, "/blocks", limit("blocks per message"), in_view=False)
    return checker.errors


def validate_view(view: Any) -> list[str]:
    """Check a modal/home ``view`` dict; returns Slack-style errors (pointers under ``/view``)."""
    c = _Checker()
    if not isinstance(view, dict):
        c.err("must be an object", "/view")
        return c.errors
    kind = view.get("type")
    c.surface = str(kind)
    if kind not in ("modal", "home"):
        c.err("must be one of ['modal', 'home']", "/view/type")
    c.blocks(
        view.get("blocks"), "/view/blocks", limit("blocks per modal / home view"), in_view=True
    )
    if kind == "modal":
        if not view.get("title"):
            c.err("missing required field: title", "/view/title")
        c.text_obj(view.get("title"), limit("modal title text"), "/view/title", plain_only=True)
        c.text_obj(view.get("submit"), limit("modal submit text"), "/view/submit", plain_only=True)
        c.text_obj(view.get("close"), limit("modal close text"), "/view/close", plain_only=True)
        for i, b in enumerate(view.get("blocks") or []):
            if isinstance(b, dict) and b.get("type") == "input" and not view.get("submit"):
                c.err("must define `submit` to use an `input` block in modals", f"/view/blocks/{i}")
    c.text_len(
        view.get("private_metadata"), limit("view private_metadata"), "/view/private_metadata"
    )
    c.text_len(view.get("callback_id"), limit("view callback_id"), "/view/callback_id")
    c.text_len(view.get("external_id"), 255, "/view/external_id")
    return c.errors


def _parent(error: str) -> str:
    pointer = error.rsplit("[json-pointer:", 1)[-1].rstrip("]")
    return pointer.rsplit("/", 1)[0] if pointer.count("/") > 1 else pointer


def invalid_blocks_response(errors: list[str]) -> dict[str, Any]:
    """The ``invalid_blocks`` response body chat.* methods return for ``errors``."""
    messages: list[str] = []
    for e in errors:
        for line in (
            f"[ERROR] failed to match all allowed schemas [json-pointer:{_parent(e)}]",
            f"[ERROR] {e}",
        ):
            if line not in messages:
                messages.append(line)
    return {
        "ok": False,
        "error": "invalid_blocks",
        "errors": errors,
        "response_metadata": {"messages": messages},
    }


def invalid_view_response(errors: list[str]) -> dict[str, Any]:
    """The ``invalid_arguments`` response body views.* methods return for ``errors``."""
    messages = ["[ERROR] failed to match all allowed schemas [json-pointer:/view]"]
    messages += [f"[ERROR] {e}" for e in errors]
    return {"ok": False, "error": "invalid_arguments", "response_metadata": {"messages": messages}}
