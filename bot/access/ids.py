"""Action and view ids of the sealed reading surfaces."""

OPEN_CASE_ACTION = "case_open"  # the desk's Open case button (value: case id)
SHOW_NAME_ACTION = "case_show_name"  # in the case modal (value: case id)
OPEN_EVIDENCE_ACTION = "case_open_evidence"  # in the case modal (value: evidence id)
EVIDENCE_VIEW = "case_evidence_view"  # pushed over the case modal: the copy's link
CASE_VIEW = "case_view"
CASE_BLOCK = "case_open_block"
REPORTER_VIEW = "reporter_view"  # the reporter's modal: the desk's messages and a reply box
REPLY_BLOCK = "reporter_reply"
REPLY_INPUT = "reporter_reply_text"
