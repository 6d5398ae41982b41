"""CASE_CONTENT_IN_SLACK: whether case content may travel in Slack messages.

`sealed` (the default): every message, home and ephemeral answer the app sends says what happened
and offers a button; what people wrote, and a named reporter's identity, are shown only in modals
rendered from the database, and each such read is recorded in the access log (bot/access).
`full`: the case message, the thread and the DMs carry the texts as well (the older behaviour).
"""

from __future__ import annotations

from enum import StrEnum


class ContentMode(StrEnum):
    SEALED = "sealed"
    FULL = "full"

    @property
    def sealed(self) -> bool:
        return self is ContentMode.SEALED


def parse_content_mode(raw: str) -> ContentMode:
    try:
        return ContentMode(raw.strip().lower())
    except ValueError:
        raise ValueError(f"{raw!r} must be sealed or full") from None


def place_in_slack(location: str | None, places: frozenset[str], content: ContentMode) -> str:
    """A case's place as a figure or a file in Slack may show it: sealed, only a place from
    LOCATIONS (a place typed on the form is text the reporter wrote: it counts as unknown)."""
    if not location:
        return ""
    if content.sealed and location not in places:
        return ""
    return location
