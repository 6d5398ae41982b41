"""The desk workflow: acknowledge, assign, escalate, note, resolve, reopen; SLA timers; leads.

What other features may use is exported here: the desk leads (who may put a case on legal hold).
"""

from bot.desk.leads import DeskLeads, LeadsUnavailable

__all__ = ["DeskLeads", "LeadsUnavailable"]
