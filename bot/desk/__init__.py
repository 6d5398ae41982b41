"""The desk workflow: acknowledge, assign, escalate, note, resolve, reopen; SLA timers; leads.

What other features use: `DeskLeads` (who the desk leads are: lead-only exports, legal hold).
"""

from bot.desk.leads import DeskLeads, LeadsUnavailable

__all__ = ["DeskLeads", "LeadsUnavailable"]
