"""Callback, block and action ids of the report flow."""

COMMAND = "/harassment"
MESSAGE_SHORTCUT = "report_message"
GLOBAL_SHORTCUT = "report_harassment"
REPORT_VIEW = "report_submit"
OPEN_REPORT_ACTION = "open_report"

CATEGORIES = "categories"
OCCURRED_AT = "occurred_at"
CONTACT_CHANNEL = "contact_channel"
CUSTOMER_TYPE = "customer_type"
NARRATIVE = "narrative"
DEMANDS = "demands"
WITNESSES = "witnesses"
INJURY = "injury"
IMMEDIATE_ACTION = "immediate_action"
IN_DANGER = "in_danger"
WANTS = "wants"
IDENTITY = "identity"
PREFERENCES = "preferences"
POLICE = "police"

# One input element per block, so each block's action id is the block id with this suffix.
ACTION_SUFFIX = "_input"


def action_id(block_id: str) -> str:
    return block_id + ACTION_SUFFIX
