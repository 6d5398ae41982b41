"""The report flow: the modal, the case record, the desk message and the reporter's confirmation.

What other features may use is exported here; the rest is the feature's own.
"""

from bot.report.fields import IDENTITY_CHOICES, TEXT_FIELDS, UNKNOWN
from bot.report.ids import (
    COMMAND,
    DESK_MESSAGE,
    DESK_UPDATE,
    OPEN_REPORT_ACTION,
    RECEIPT_UPDATE,
    REPORTER_DM,
)
from bot.report.modals import ReportDraft
from bot.report.service import (
    RecordedReport,
    ReportHook,
    ReportNotSaved,
    ReportPolicy,
    enqueue_case_update,
    record_report,
)

__all__ = [
    "COMMAND",
    "DESK_MESSAGE",
    "DESK_UPDATE",
    "IDENTITY_CHOICES",
    "OPEN_REPORT_ACTION",
    "RECEIPT_UPDATE",
    "REPORTER_DM",
    "TEXT_FIELDS",
    "UNKNOWN",
    "RecordedReport",
    "ReportDraft",
    "ReportHook",
    "ReportNotSaved",
    "ReportPolicy",
    "enqueue_case_update",
    "record_report",
]
