"""Action, view and block ids and outbox kinds of the case handling.

Buttons on the case message carry ``"<case id>"``; *Done* on a prevention action (App Home, the
reminder) carries ``"<prevention action id>"``; *Answer* in the reporter's survey DM carries
``"<case id>"``. Modals keep JSON {"case_id": int} in their private_metadata. Every click and
submit is checked against the desk's members (or, for the survey, the case's reporter).
"""

FACTS = "facts"
CARE = "care"
MEASURE = "measure"
PREVENTION = "prevention"
FEEDBACK = "feedback"
COOPERATION = "cooperation"
STOP = "stop"  # two-person "stop dealing with this customer": applied without a modal

# Case-message buttons: action id "handling_<what>", value "<case id>".
MODAL_STEPS = (FACTS, CARE, MEASURE, PREVENTION, FEEDBACK, COOPERATION)
CASE_BUTTONS = (*MODAL_STEPS, STOP)


def button_id(what: str) -> str:
    return f"handling_{what}"


def view_id(what: str) -> str:
    return f"handling_{what}_submit"


DONE_ACTION = "handling_prevention_done"  # value "<prevention action id>"
SURVEY_ACTION = "handling_survey_open"  # value "<case id>", in the reporter's DM
SURVEY_VIEW = "handling_survey_submit"
ACTIONS = (*(button_id(what) for what in CASE_BUTTONS), DONE_ACTION, SURVEY_ACTION)
VIEWS = (*(view_id(what) for what in MODAL_STEPS), SURVEY_VIEW)

CASE_BLOCK = "handling_case_actions"
HOME_BLOCK = "handling_home"

# Input blocks (one element each; its action id is the block id + "_input").
CONFIRMED_BLOCK = "handling_confirmed"
METHODS_BLOCK = "handling_methods"
WITH_WHOM_BLOCK = "handling_with_whom"
OFFERED_BLOCK = "handling_offered"
ACCEPTED_BLOCK = "handling_accepted"
NOTES_BLOCK = "handling_notes"
KIND_BLOCK = "handling_measure_kind"
TEXT_BLOCK = "handling_text"
OWNER_BLOCK = "handling_owner"
DUE_BLOCK = "handling_due"
DIRECTION_BLOCK = "handling_direction"
COMPANY_BLOCK = "handling_company"
DATE_BLOCK = "handling_date"
ASKED_BLOCK = "handling_asked"
ANSWERED_BLOCK = "handling_answered"
SUPPORTED_BLOCK = "handling_supported"
AGAIN_BLOCK = "handling_again"
COMMENT_BLOCK = "handling_comment"

# The checklists (labels `handling.choice.<key>`).
CONFIRMED = ("what_happened", "when_where", "words_actions", "demands", "harm")
METHODS = ("interview", "recording", "cctv", "documents", "on_site")
WITH_WHOM = ("reporter", "witness", "supervisor", "customer", "other_company")
CARE_CHOICES = ("leave", "rota_change", "second_person", "counselling", "kokoro_no_mimi")
MEASURE_KINDS = ("warning", "banned", "police_report", "legal_action")  # register kinds
DIRECTIONS = ("made", "received")
SCALE = ("1", "2", "3", "4", "5")

# Outbox kinds.
THREAD_LINE = "handling.thread_line"  # a step recorded, a stop asked/confirmed, in the thread
PREVENTION_DUE = "handling.prevention_due"  # the reminder in the case thread
PREVENTION_DM = "handling.prevention_dm"  # the reminder to the action's owner
ANSWER_DUE = "handling.answer_due"  # an answer to the reporter falls due soon (case thread)
POLICE_FLOW = "handling.police_flow"  # the police checklist in the thread (escalated to police)
SURVEY_DM = "handling.survey_dm"  # the closing survey to the reporter
OUTBOX_KINDS = frozenset(
    {THREAD_LINE, PREVENTION_DUE, PREVENTION_DM, ANSWER_DUE, POLICE_FLOW, SURVEY_DM}
)


def input_id(block_id: str) -> str:
    return block_id + "_input"
