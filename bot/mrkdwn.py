"""Making user text safe for Slack mrkdwn and fitting it into Slack's length limits."""

from __future__ import annotations

import re

_ENTITY_TAIL = re.compile(r"&[a-z]{0,3}$")


def escape(text: str) -> str:
    """Escape `&`, `<`, `>` so `<!channel>`, `<@U…>` and links in user text stay inert."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def split_escaped(text: str, limit: int) -> list[str]:
    """Split escaped mrkdwn into chunks of at most `limit` characters.

    Prefers line breaks, never cuts an `&amp;`-style entity in half.
    """
    chunks: list[str] = []
    rest = text
    while len(rest) > limit:
        cut = rest.rfind("\n", limit // 2, limit)
        if cut == -1:
            cut = limit
            tail = _ENTITY_TAIL.search(rest[:cut])
            if tail:
                cut = tail.start()
        chunks.append(rest[:cut])
        rest = rest[cut:].lstrip("\n")
    if rest or not chunks:
        chunks.append(rest)
    return chunks


def truncate_plain(text: str, limit: int, ellipsis: str = "…") -> str:
    """Shorten plain text (labels, previews) to `limit` characters."""
    if len(text) <= limit:
        return text
    return text[: limit - len(ellipsis)] + ellipsis


def quote(text: str) -> str:
    """Escape user text and show it as a block quote, one `>` per line."""
    return "\n".join("&gt; " + line if line else "&gt;" for line in escape(text).split("\n"))
