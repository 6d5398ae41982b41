"""Block and action ids and the outbox kind of the guidance feature."""

BLOCK_TOPIC_PICKER = "guidance_topic_picker"
ACTION_PICK_TOPIC = "guidance_pick_topic"
BLOCK_IN_DANGER = "guidance_in_danger"
BLOCK_HELP = "guidance_help"
BLOCK_HELP_ACTIONS = "guidance_help_actions"

# Outbox kinds.
DESK_THREAD = "guidance.desk_thread"  # the recommended response, in the case's thread

OUTBOX_KINDS = frozenset({DESK_THREAD})
