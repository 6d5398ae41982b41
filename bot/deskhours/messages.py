"""Desk-hours wording for people (pure): "by 10:30 tomorrow", open/closed on the App Home."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.deskhours.hours import DeskHours
from bot.i18n import t

WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# Beyond this many days ahead a weekday alone is ambiguous, so the date is written out.
_WEEKDAY_ONLY_DAYS = 6


def _clock(moment: datetime) -> str:
    return f"{moment.hour}:{moment.minute:02d}"


def expect_by(due: datetime, now: datetime, tz: ZoneInfo, locale: str, *, word: str = "by") -> str:
    """When to expect the desk, in the reader's time zone: "by 10:30 tomorrow" / 「明日10:30まで」.

    `word="at"` gives the moment itself ("at 9:00 on Monday" / 「月曜日9:00」).
    """
    local_due, local_now = due.astimezone(tz), now.astimezone(tz)
    days = (local_due.date() - local_now.date()).days
    time_text = _clock(local_due)
    if days <= 0:
        return t(f"deskhours.{word}_today", locale, time=time_text)
    if days == 1:
        return t(f"deskhours.{word}_tomorrow", locale, time=time_text)
    weekday = t(f"deskhours.weekday.{WEEKDAY_NAMES[local_due.weekday()]}", locale)
    if days <= _WEEKDAY_ONLY_DAYS:
        return t(f"deskhours.{word}_weekday", locale, time=time_text, weekday=weekday)
    return t(
        f"deskhours.{word}_date",
        locale,
        time=time_text,
        weekday=weekday,
        month=local_due.month,
        day=local_due.day,
    )


def hours_summary(hours: DeskHours, locale: str) -> str:
    """ "Mon–Fri 9:00–18:00 (Asia/Tokyo), closed on public holidays" in a few words."""
    if hours.always_open:
        return t("deskhours.always", locale)
    days = sorted(hours.weekdays)
    names = [t(f"deskhours.weekday.{WEEKDAY_NAMES[d]}", locale) for d in days]
    contiguous = days == list(range(days[0], days[-1] + 1))
    day_text = f"{names[0]}–{names[-1]}" if contiguous and len(days) > 2 else "・".join(names)
    key = "deskhours.summary_holidays" if hours.holidays != "none" else "deskhours.summary"
    return t(
        key, locale, days=day_text, start=f"{hours.start}:00", end=f"{hours.end}:00", tz=hours.tz
    )


def open_status(hours: DeskHours, now: datetime, locale: str) -> str:
    """The App Home line: open now, or closed and when it opens."""
    summary = hours_summary(hours, locale)
    if hours.is_open(now):
        return t("deskhours.home.open", locale, hours=summary)
    opens = hours.next_open(now + timedelta(seconds=1))
    when = expect_by(opens, now, hours.tz, locale, word="at")
    return t("deskhours.home.closed", locale, hours=summary, when=when)
