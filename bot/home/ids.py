"""The outbox kind of the App Home. (Its button is the report feature's `OPEN_REPORT_ACTION`.)"""

# The value predates the home feature's own folder; stored rows carry it.
HOME_PUBLISH = "desk.home"

OUTBOX_KINDS = frozenset({HOME_PUBLISH})
