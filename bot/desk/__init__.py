"""The desk workflow: acknowledge, assign, escalate, note, resolve, reopen; SLA timers; leads.

What other features use: `DeskLeads` (who the desk leads are: lead-only exports, legal hold).
"""

from bot.desk.leads import DeskLeads, LeadsUnavailable

__all__ = ["DeskLeads", "LeadsUnavailable"]
# `bot.desk.feature.home_case_actions` (a private case's buttons on its handlers' App Home) is
# wired by `bot.app`, not imported here: the feature module imports bot.restriction, which
# imports this package.
