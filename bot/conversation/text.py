"""Message text as Slack sends it, turned into plain text we store and show escaped.

Slack encodes `&`, `<`, `>` and writes mentions, links and broadcasts as `<...>` tokens
(/work/shared/slack/notes/markup.md). The conversation stores what the person wrote as plain
text (`<!channel>` becomes `@channel`, `<@U1>` becomes `@U1`), and every relay escapes it again,
so a mention in either direction stays inert text and never pings anyone.
"""

from __future__ import annotations

import re
import unicodedata

_TOKEN = re.compile(r"<([^<>]*)>")
_EMOJI = re.compile(r":[a-z0-9_+\-']+:")
_BROADCASTS = ("here", "channel", "everyone")


def _token(match: re.Match[str]) -> str:
    body, _, label = match.group(1).partition("|")
    if body.startswith("@"):
        return "@" + (label or body[1:])
    if body.startswith("#"):
        return "#" + (label or body[1:])
    if body.startswith("!subteam^"):
        return "@" + label.lstrip("@") if label else "@" + body.split("^", 1)[1]
    if body.startswith("!date^"):
        return label or body
    if body.startswith("!"):
        return "@" + body[1:] if body[1:] in _BROADCASTS else (label or body[1:])
    if body.startswith("mailto:"):
        return label or body[len("mailto:") :]
    if label and label != body:
        return f"{label} ({body})"
    return body


def slack_text_to_plain(text: str) -> str:
    """Slack's wire text -> what the person typed (tokens made readable, entities undone)."""
    out = _TOKEN.sub(_token, text)
    return out.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def is_blank(text: str) -> bool:
    """Nothing but whitespace (incl. full-width spaces and zero-width characters)."""
    return all(ch.isspace() or unicodedata.category(ch) in ("Cf", "Zs") for ch in text)


def is_emoji_only(text: str) -> bool:
    """Only emoji shortcodes and spaces (relayed all the same: a 👍 is an answer too)."""
    return not is_blank(text) and is_blank(_EMOJI.sub("", text))
