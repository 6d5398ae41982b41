"""Action ids and outbox kinds of the awareness feature."""

# The 「確認しました / Got it」 button on a post; its value is the post's id.
GOT_IT_ACTION = "awareness_got_it"
GOT_IT_BLOCK = "awareness_got_it"

# Outbox kinds.
POST = "awareness.post"
WELCOME = "awareness.welcome"

# The welcome DM's entry in guidance/awareness.yaml; every other entry is a post in rotation.
WELCOME_KEY = "welcome"

OUTBOX_KINDS = frozenset({POST, WELCOME})
