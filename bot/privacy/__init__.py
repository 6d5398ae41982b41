"""Privacy and security: desk membership that holds across replicas and noise
throttles that lose nothing. (The retention purge is the retention feature's.)

What other features may use is exported here.
"""

from bot.privacy.membership import desk_membership_changed
from bot.privacy.throttle import FormThrottle, mentions_desk

__all__ = ["FormThrottle", "desk_membership_changed", "mentions_desk"]
