"""Action, view and block ids of the desk workflow.

Every button on the case message carries the value ``"<case id>:<case version>"`` (for example
``"42:3"``): the version is the optimistic-concurrency token. A click based on an older version
than the stored one is refused and the clicker is told who changed the case first.
"""


def button_id(action: str) -> str:
    """The action id of a desk action's button on the case message: `desk_<action>`."""
    return f"desk_{action}"


def view_id(action: str) -> str:
    """The callback id of a desk action's modal: `desk_<action>_submit`. Its private_metadata is
    JSON {"case_id": int, "version": int}."""
    return f"desk_{action}_submit"


# Every desk action is a row of `bot.desk.states.DESK_ACTIONS`; these names are for tests and
# tools. Acknowledge on the desk's case message: value "<case_id>:<version>", e.g. "42:1" (the
# case's id and its `version` when the message was rendered). Only desk channel members may
# click it; a stale version is refused ("<@U…> already acknowledged it").
ACKNOWLEDGE_ACTION = button_id("acknowledge")
ASSIGN_ACTION = button_id("assign")  # opens ASSIGN_VIEW
ESCALATE_ACTION = button_id("escalate")  # opens its modal
NOTE_ACTION = button_id("note")  # opens its modal
RESOLVE_ACTION = button_id("resolve")  # opens its modal
REOPEN_ACTION = button_id("reopen")  # applied at once
ASSIGN_VIEW = view_id("assign")

CASE_ACTIONS_BLOCK = "desk_case_actions"

# Input blocks of those modals (one element each; its action id is the block id + "_input").
ASSIGNEE_BLOCK = "desk_assignee"
ESCALATE_TO_BLOCK = "desk_escalate_to"
OUTCOME_BLOCK = "desk_outcome"
NOTE_BLOCK = "desk_note"
HANDLERS_BLOCK = "desk_handlers"  # Restrict: the handlers (multi_users_select)
INPUT_SUFFIX = "_input"

# Shown in place of a desk modal whose action could not be applied.
NOTICE_VIEW = "desk_notice"

# Outbox kinds.
TIMELINE = "desk.timeline"  # one line per action in the case thread
REPORTER_UPDATE = "desk.reporter_update"  # a milestone DM to the reporter
SLA_POST = "desk.sla_post"  # an SLA reminder in the case thread
LEAD_DM = "desk.lead_dm"  # a DM to each desk lead when a case stays unacknowledged

OUTBOX_KINDS = frozenset({TIMELINE, REPORTER_UPDATE, SLA_POST, LEAD_DM})


def input_id(block_id: str) -> str:
    return block_id + INPUT_SUFFIX
