"""What the conversation asks of a message's text besides making it plain.

Slack's markup is turned into plain text by `bot.slack.markup.slack_text_to_plain` (the one
function for it: `<!channel>` becomes `@channel`, `<@U1>` becomes `@U1`); every relay escapes it
again, so a mention in either direction stays inert text and never pings anyone.
"""

from __future__ import annotations

import unicodedata


def is_blank(text: str) -> bool:
    """Nothing but whitespace (incl. full-width spaces and zero-width characters)."""
    return all(ch.isspace() or unicodedata.category(ch) in ("Cf", "Zs") for ch in text)
