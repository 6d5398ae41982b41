"""The App Home: each person's own reports, and for desk staff the open cases.

What other features may use is exported here: queueing the refresh of the homes that see a
change, and whether a case shows as over its SLA.
"""

from bot.home.ids import HOME_PUBLISH
from bot.home.service import DeskHomeSection, enqueue_home_refreshes, sla_breached

__all__ = ["HOME_PUBLISH", "DeskHomeSection", "enqueue_home_refreshes", "sla_breached"]
