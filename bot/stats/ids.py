"""Monthly report ids: the outbox kinds of the channel post and of its chart."""

POST = "stats.post"  # payload: {month}; the report message in the desk channel
CHART = "stats.chart"  # payload: {month}; the PNG uploaded in the desk channel
OUTBOX_KINDS = frozenset({POST, CHART})
AUDIT_STATS = "stats"
AUDIT_DENIED = "denied:stats"
