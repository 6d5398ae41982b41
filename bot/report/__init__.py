"""The report flow: the modal, the case record, the desk message and the reporter's confirmation.

What other features may use is exported here; the rest is the feature's own.
"""

from bot.report.ids import (
    COMMAND,
    DESK_MESSAGE,
    DESK_UPDATE,
    OPEN_REPORT_ACTION,
    REPORTER_DM,
)
from bot.report.service import enqueue_case_update

__all__ = [
    "COMMAND",
    "DESK_MESSAGE",
    "DESK_UPDATE",
    "OPEN_REPORT_ACTION",
    "REPORTER_DM",
    "enqueue_case_update",
]
