"""Customer register ids: buttons, modals and their input blocks.

*Link to customer* on the case message carries the case id as its value; its modal's
private_metadata is JSON {"case_id": int}. *Record measure* on a register answer carries the
customer id; its modal's private_metadata is JSON {"customer_id": int}.
"""

LINK_ACTION = "customer_link"  # button on the case message, value "<case id>"
LINK_VIEW = "customer_link_submit"
MEASURE_ACTION = "customer_measure"  # button on a register answer, value "<customer id>"
MEASURE_VIEW = "customer_measure_submit"
HOLD_ACTION = "customer_hold"  # legal hold on the linked cases, value "<customer id>"

# Every button and modal of the register, for the listener tables.
ACTIONS = (LINK_ACTION, MEASURE_ACTION, HOLD_ACTION)
VIEWS = (LINK_VIEW, MEASURE_VIEW)

HISTORY_BLOCK = "customer_history"
LINK_ACTIONS_BLOCK = "customer_actions"
PICK_BLOCK = "customer_pick"
NAME_BLOCK = "customer_name"
IDENTIFIERS_BLOCK = "customer_identifiers"
KIND_BLOCK = "customer_measure_kind"
FROM_BLOCK = "customer_measure_from"
UNTIL_BLOCK = "customer_measure_until"
NEW_RECORD = "new"

# Field names the service reports errors on -> the modal's block ids.
ERROR_BLOCKS = {
    "name": NAME_BLOCK,
    "identifiers": IDENTIFIERS_BLOCK,
    "kind": KIND_BLOCK,
    "starts_on": FROM_BLOCK,
    "ends_on": UNTIL_BLOCK,
}


def input_id(block_id: str) -> str:
    return block_id + "_input"
