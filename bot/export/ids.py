"""Export ids: the outbox kind that uploads a CSV to the requester's DM."""

UPLOAD = "export.upload"  # payload: {user_id, locale, range, with_text}
OUTBOX_KINDS = frozenset({UPLOAD})
# Audited as case events with no case: "export" on success, "denied:export" on a refusal.
AUDIT_EXPORT = "export"
AUDIT_DENIED = "denied:export"
AUDIT_DENIED_TEXT = "denied:export_text"
