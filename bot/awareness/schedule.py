"""`AWARENESS_SCHEDULE`: one weekly slot such as `mon 10:00` (Asia/Tokyo unless a zone is given).

Pure: no settings, no database. The tick asks for the newest slot at or before now; the database
makes sure each slot is posted once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DEFAULT_ZONE = "Asia/Tokyo"
_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")


@dataclass(frozen=True)
class WeeklySlot:
    weekday: int  # Monday = 0
    hour: int
    minute: int
    zone: str = DEFAULT_ZONE

    def latest(self, now: datetime) -> datetime:
        """The newest slot at or before `now`, in UTC."""
        local = now.astimezone(ZoneInfo(self.zone))
        days_back = (local.weekday() - self.weekday) % 7
        day = (local - timedelta(days=days_back)).date()
        slot = datetime(day.year, day.month, day.day, self.hour, self.minute)
        at = slot.replace(tzinfo=ZoneInfo(self.zone))
        if at > local:
            at = (slot - timedelta(days=7)).replace(tzinfo=ZoneInfo(self.zone))
        return at.astimezone(UTC)

    def describe(self) -> str:
        return f"{WEEKDAYS[self.weekday]} {self.hour:02d}:{self.minute:02d} {self.zone}"


def parse_schedule(text: str) -> WeeklySlot | None:
    """`off` -> None; `mon 10:00` or `mon 10:00 Asia/Tokyo` -> a weekly slot."""
    parts = text.split()
    if not parts or (len(parts) == 1 and parts[0].lower() == "off"):
        return None
    time_match = _TIME.match(parts[1]) if len(parts) in (2, 3) else None
    if time_match is None or parts[0].lower() not in WEEKDAYS:
        raise ValueError(f"{text!r} is not a weekly time like 'mon 10:00' (or 'off')")
    hour, minute = int(time_match.group(1)), int(time_match.group(2))
    if hour > 23 or minute > 59:
        raise ValueError(f"{text!r}: the time must be between 00:00 and 23:59")
    zone = parts[2] if len(parts) == 3 else DEFAULT_ZONE
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"{text!r}: unknown time zone {zone!r}") from exc
    return WeeklySlot(WEEKDAYS.index(parts[0].lower()), hour, minute, zone)


def parse_on_off(text: str) -> bool:
    cleaned = text.strip().lower()
    if cleaned in ("on", "yes", "true", "1"):
        return True
    if cleaned in ("off", "no", "false", "0"):
        return False
    raise ValueError(f"{text!r} must be 'on' or 'off'")
