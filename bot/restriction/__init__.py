"""Restricted cases: a desk lead keeps a case to named handlers (and the leads); the reporter
may name desk members who must never see it; others in the desk channel see a notice and may
ask for access.

What other features use: the rule (`may_see`, `AccessGate`, built once as `core.access`),
`load_access`, and `guard_thread` (the app wraps every renderer with it).
"""

from bot.restriction.access import AccessGate, CaseAccess, lead_ids_of, load_access, may_see
from bot.restriction.guard import guard_thread

__all__ = ["AccessGate", "CaseAccess", "guard_thread", "lead_ids_of", "load_access", "may_see"]
