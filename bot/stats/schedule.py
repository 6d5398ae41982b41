"""When the automatic monthly report is due: the first desk day of the month, once open (pure)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from bot.deskhours import DeskHours
from bot.stats.figures import Month

# A desk open around the clock still gets its report at a working hour, not at midnight.
ALWAYS_OPEN_POST_HOUR = 9


def first_desk_day(hours: DeskHours, month: Month) -> date:
    day = month.first_day
    while day.month == month.month and not hours.is_open_day(day):
        day += timedelta(days=1)
    return day if day.month == month.month else month.first_day


def report_due(hours: DeskHours, now: datetime) -> Month | None:
    """Last month, when `now` is on the month's first desk day after opening; else None.

    Only that day: an app started later in the month does not post a stale report (the desk
    can ask for it with `/harassment stats`).
    """
    local = now.astimezone(hours.tz)
    this_month = Month(local.year, local.month)
    day = first_desk_day(hours, this_month)
    hour = ALWAYS_OPEN_POST_HOUR if hours.always_open else hours.start
    opens = datetime.combine(day, time(hour), hours.tz)
    return this_month.previous() if local.date() == day and now >= opens else None
