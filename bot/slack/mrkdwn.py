"""Making user text safe for Slack mrkdwn, fitting it into Slack's length limits, and the
dates and durations every message shows."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from bot.i18n import t

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


def slack_date(moment: datetime) -> str:
    """A date Slack renders in each reader's own time zone, with a UTC fallback."""
    fallback = moment.strftime("%Y-%m-%d %H:%M UTC")
    return f"<!date^{int(moment.timestamp())}^{{date_short_pretty}} {{time}}|{fallback}>"


def slack_day(moment: datetime) -> str:
    """The date only, as plain text. A time of day in a person's office hours gives away their
    time zone, which can identify an anonymous reporter, and a `<!date^…>` token carries the exact
    second to anyone who reads the message through the API or an export, whatever it displays.
    The UTC date is the reporter's own date for every office-hours time from UTC+9 to UTC-9."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d")


def _count(unit: str, n: int, locale: str) -> str:
    # English needs "1 day" but "2 days"; the catalogue has a `.one` form for that.
    return t(f"duration.{unit}{'.one' if n == 1 else ''}", locale, n=n)


def humanize(duration: timedelta, locale: str) -> str:
    seconds = int(duration.total_seconds())
    for unit, size in (("days", 86400), ("hours", 3600), ("minutes", 60)):
        if seconds >= size and seconds % size == 0:
            return _count(unit, seconds // size, locale)
    if seconds >= 60:
        return _count("minutes", round(seconds / 60), locale)
    return _count("seconds", seconds, locale)
