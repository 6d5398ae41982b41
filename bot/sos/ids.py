"""Action, view and block ids and outbox kinds of the SOS feature."""

# 「今すぐ助けが必要 / I need help now」: on the App Home and in `/harassment help`; opens the
# confirm dialog. Value: where it was pressed ("home", "help"), for the audit only.
OPEN_ACTION = "sos_open"
# The confirm dialog; private_metadata is JSON {"k": submission token, "l": locale}.
CONFIRM_VIEW = "sos_confirm"
IDENTITY_BLOCK = "sos_identity"
IDENTITY_ACTION = "sos_identity_input"
# The dialog after sending: 110, the safety steps, and "add details" (value: the case id).
SENT_VIEW = "sos_sent"
ADD_DETAILS_ACTION = "sos_add_details"

# Outbox kind: a line in the case thread when the reporter adds details to an SOS case.
DETAILS_ADDED = "sos.details_added"

OUTBOX_KINDS = frozenset({DETAILS_ADDED})
