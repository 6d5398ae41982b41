"""Wellbeing check-ins: rows with a due time, sent as DMs at a humane local hour, exactly once.

What other features may use is exported here: the check-in line under a case.
"""

from bot.checkins.service import checkin_home_line, checkin_status_line

__all__ = ["checkin_home_line", "checkin_status_line"]
