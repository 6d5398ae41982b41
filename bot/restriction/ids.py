"""Action ids, outbox kinds and audit actions of restricted cases.

*Ask for access* is the one button a private case's channel message carries; its value is the
case id. A lead's *Approve* / *Decline* (in the lead's DM) carry the request's id.
"""

ASK_ACTION = "restriction_ask"
APPROVE_ACTION = "restriction_approve"
DECLINE_ACTION = "restriction_decline"
DECISION_ACTIONS = (APPROVE_ACTION, DECLINE_ACTION)
NOTICE_ACTIONS_BLOCK = "restriction_notice_actions"

# Outbox kinds.
LEAD_REQUEST = "restriction.lead_request"  # a DM to each lead: someone asks for access
REQUESTER_ANSWER = "restriction.requester_answer"  # the asker hears the lead's decision
LEADS_TOLD = "restriction.leads_told"  # the reporter's exclusions cover every member or lead

OUTBOX_KINDS = frozenset({LEAD_REQUEST, REQUESTER_ANSWER, LEADS_TOLD})

# Audit actions (case_events.action).
AUDIT_REQUESTED = "access_requested"
AUDIT_APPROVED = "access_approved"
AUDIT_DECLINED = "access_declined"
AUDIT_EXCLUSIONS = "exclusions_cover_desk"
DENIED_ASK = "denied:ask_access"
DENIED_DECIDE = "denied:decide_access"
