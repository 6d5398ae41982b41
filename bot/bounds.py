"""Bounds for everything a request carries: pure validators, used before anything is stored.

A signed request can still carry values Slack itself never sends (a client bug, a probe, a
tampered `private_metadata`): ids beyond what the database column holds, timestamps that
overflow `datetime`, NaN, lone surrogates that no UTF-8 database can store, NUL bytes that
PostgreSQL refuses, permalinks that are not Slack's. Each validator answers with a clean value or
None (the caller turns None into a field error, a private message or "not found"), never an
exception that would become a 5xx or lose a report.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime, timedelta

# Integer primary keys are 32-bit on PostgreSQL (SERIAL); nothing we issue is larger.
ID_MAX = 2**31 - 1
# Workspace subdomains: lowercase letters, digits and hyphens (Slack's own rule for URLs).
_PERMALINK = re.compile(
    r"^https://[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.slack\.com/archives/[A-Z0-9]{2,32}/p\d{6,20}"
    r"(?:\?thread_ts=\d{1,12}\.\d{1,8}(?:&cid=[A-Z0-9]{2,32})?)?$"
)
_TEAM_DOMAIN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
_CHANNEL_ID = re.compile(r"^[CDG][A-Z0-9]{2,32}$")
_TS = re.compile(r"^\d{1,12}\.\d{1,8}$")
_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,32}$")


def is_user_id(raw: object) -> bool:
    """A Slack user id (`U…` or `W…` on Enterprise Grid), nothing else."""
    return isinstance(raw, str) and bool(_USER_ID.match(raw))


def parse_id(raw: object) -> int | None:
    """A database id from a button value or metadata: ASCII digits, 1..ID_MAX, else None."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw if 1 <= raw <= ID_MAX else None
    if not isinstance(raw, str) or not (0 < len(raw) <= 10 and raw.isascii() and raw.isdigit()):
        return None
    number = int(raw)
    return number if 1 <= number <= ID_MAX else None


def parse_count(raw: object, *, maximum: int = ID_MAX) -> int | None:
    """A non-negative whole number (a version) in 0..maximum, else None."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw if 0 <= raw <= maximum else None
    if not isinstance(raw, str) or not (0 < len(raw) <= 10 and raw.isascii() and raw.isdigit()):
        return None
    number = int(raw)
    return number if number <= maximum else None


def parse_timestamp(raw: object, *, now: datetime, future_tolerance: timedelta) -> datetime | None:
    """A Unix time from a date/time picker, between 1970 and `now + future_tolerance`.

    None for anything else: NaN, infinities, strings, booleans, times before 1970, times that
    would overflow `datetime` and times in the future."""
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        return None
    if isinstance(raw, float) and not math.isfinite(raw):
        return None
    latest = now + future_tolerance
    if not 0 <= raw <= latest.timestamp():
        return None
    return datetime.fromtimestamp(raw, UTC)


def has_lone_surrogate(text: str) -> bool:
    """True when `text` holds a surrogate code point, which no UTF-8 database can store."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def clean_text(text: str) -> str:
    """Text as it is stored: NUL bytes (which PostgreSQL cannot hold) removed, nothing else."""
    return text.replace("\x00", "")


def safe_permalink(raw: object) -> str | None:
    """A Slack message permalink `https://<workspace>.slack.com/archives/…`, or None."""
    if not isinstance(raw, str) or len(raw) > 300 or not _PERMALINK.match(raw):
        return None
    return raw


def message_permalink(team_domain: object, channel_id: object, ts: object) -> str | None:
    """`https://<domain>.slack.com/archives/<channel>/p<ts without the dot>`, as Slack links;
    None unless every part looks like what Slack sends."""
    if not (
        isinstance(team_domain, str)
        and isinstance(channel_id, str)
        and isinstance(ts, str)
        and _TEAM_DOMAIN.match(team_domain)
        and _CHANNEL_ID.match(channel_id)
        and _TS.match(ts)
    ):
        return None
    return safe_permalink(
        f"https://{team_domain}.slack.com/archives/{channel_id}/p{ts.replace('.', '')}"
    )


def link_target(url: str) -> str:
    """A URL made safe inside mrkdwn `<url|label>`: `|`, `<`, `>` and `&` cannot end it early."""
    return url.replace("&", "&amp;").replace("<", "%3C").replace(">", "%3E").replace("|", "%7C")


def anonymous_unless_named(raw: object) -> str:
    """The identity choice, failing closed: only an explicit "named" shows the reporter."""
    return "named" if raw == "named" else "anonymous"
