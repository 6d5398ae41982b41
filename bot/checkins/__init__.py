"""Wellbeing check-ins: rows with a due time, sent as DMs at a humane local hour, exactly once."""

from bot.checkins.service import checkin_status_line

__all__ = ["checkin_status_line"]
