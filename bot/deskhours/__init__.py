"""Desk hours: when the consultation desk is open, and SLA time counted in open hours only.

What other features use (through this package, not its modules).
"""

from bot.deskhours.hours import DeskHours, parse_holidays, parse_timezone
from bot.deskhours.messages import expect_by, open_status
from bot.deskhours.months import Month
from bot.deskhours.sla import elapsed, next_due, reporter_expectation

__all__ = [
    "DeskHours",
    "Month",
    "elapsed",
    "expect_by",
    "next_due",
    "open_status",
    "parse_holidays",
    "parse_timezone",
    "reporter_expectation",
]
