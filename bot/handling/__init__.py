"""Handling after a consultation, as the guideline asks: facts, care, measures toward the
customer, prevention; the two-person stop; answers owed to the reporter; the closing survey;
cooperation requests. What the desk workflow uses: the outbox kinds it enqueues when a case is
escalated to the police and when it is resolved.
"""

from bot.handling.ids import POLICE_FLOW, SURVEY_DM

__all__ = ["POLICE_FLOW", "SURVEY_DM"]
