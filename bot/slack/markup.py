"""Slack's message markup turned back into plain, readable text.

Slack sends message text (message shortcuts, message events) in its own markup: `&`, `<`, `>`
arrive as `&amp;`, `&lt;`, `&gt;`, and every real `<…>` is a control token (a mention, a
channel, a link with a label, a date). A form prefill must show what the author wrote, not that
markup; the text is escaped again (once) only when it is posted to the desk.

Rules from Slack's formatting reference and the original spec (page_formatting.md): find every
`<(.*?)>`, decide by the first character what it is, use the part after `|` as the label, and
only then unescape `&lt;`, `&gt;` and `&amp;` (last).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime

_TOKEN = re.compile(r"<([^<>]*)>")
_BROADCASTS = frozenset({"here", "channel", "everyone"})

# A name for a user id, or None when it is not known (then the id is shown).
UserName = Callable[[str], str | None]


def _no_name(_user_id: str) -> str | None:
    return None


def names_from(mapping: Mapping[str, str]) -> UserName:
    """A `UserName` lookup from a plain {user id: name} mapping."""
    return lambda user_id: mapping.get(user_id) or None


def user_mention(user_id: str, user_name: UserName = _no_name) -> str:
    """How a mention of `user_id` reads in plain text: `@name`, else `@U…`."""
    return "@" + (user_name(user_id) or user_id)


def slack_text_to_plain(
    text: str,
    user_name: UserName = _no_name,
    channel_name: Callable[[str], str | None] = lambda _channel_id: None,
) -> str:
    """Plain text for what Slack markup `text` shows: names for mentions, labels for links.

    The result is *not* escaped: escape it (once) before it goes into mrkdwn.
    """

    def replace(match: re.Match[str]) -> str:
        body, _, label = match.group(1).partition("|")
        if body.startswith("@"):  # <@U…>, <@W…>, legacy <@U…|bob>
            return "@" + label.lstrip("@") if label else user_mention(body[1:], user_name)
        if body.startswith("#"):  # <#C…|general>, <#C…>
            return "#" + (label or channel_name(body[1:]) or body[1:])
        if body.startswith("!subteam^"):
            handle = label.lstrip("@") if label else body.split("^", 1)[1]
            return "@" + handle
        if body.startswith("!date^"):
            return label or _date_fallback(body.split("^")[1])
        if body.startswith("!"):  # <!here>, <!channel>, <!everyone>, unknown commands
            command = body[1:]
            if command in _BROADCASTS:
                return "@" + command
            return label or command
        if body.startswith("mailto:"):
            return label or body[len("mailto:") :]
        if label and label != body:
            # A label that is not just the URL without its scheme would hide where it points:
            # the desk reads "label (url)" so nothing is lost.
            bare = re.sub(r"^[a-z][a-z0-9+.-]*://", "", body).rstrip("/")
            return label if label.rstrip("/") in (bare, body) else f"{label} ({body})"
        return body

    plain = _TOKEN.sub(replace, text)
    return plain.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _date_fallback(stamp: str) -> str:
    try:
        return datetime.fromtimestamp(int(stamp), UTC).strftime("%Y-%m-%d %H:%M UTC")
    except (ValueError, OverflowError, OSError):
        return stamp


def known_names(payload: Mapping[str, object]) -> dict[str, str]:
    """Names a message shortcut payload already carries (no Slack call on the 3-second path):
    the author's `user_profile` and the person who used the shortcut."""
    names: dict[str, str] = {}
    message = payload.get("message")
    if isinstance(message, Mapping):
        profile = message.get("user_profile")
        author = message.get("user")
        if isinstance(profile, Mapping) and isinstance(author, str):
            name = profile.get("display_name") or profile.get("real_name") or profile.get("name")
            if isinstance(name, str) and name.strip():
                names[author] = name.strip()
    user = payload.get("user")
    if isinstance(user, Mapping):
        user_id, name = user.get("id"), user.get("name") or user.get("username")
        if isinstance(user_id, str) and isinstance(name, str) and name.strip():
            names.setdefault(user_id, name.strip())
    return names
