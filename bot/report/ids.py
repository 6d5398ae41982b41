"""Callback and action ids and outbox kinds of the report flow. (The form's block ids are in
`bot/report/fields.py`.)"""

COMMAND = "/harassment"
MESSAGE_SHORTCUT = "report_message"
GLOBAL_SHORTCUT = "report_harassment"
REPORT_VIEW = "report_submit"
OPEN_REPORT_ACTION = "open_report"

# Outbox kinds.
DESK_MESSAGE = "report.desk_message"  # the case message in the desk channel (posted once)
DESK_UPDATE = "report.desk_update"  # re-render that message after any change to the case
REPORTER_DM = "report.reporter_dm"  # the reporter's confirmation

# Re-render the confirmation in place (its buttons changed: the reporter withdrew).
RECEIPT_UPDATE = "report.receipt_update"
OUTBOX_KINDS = frozenset({DESK_MESSAGE, DESK_UPDATE, REPORTER_DM, RECEIPT_UPDATE})
