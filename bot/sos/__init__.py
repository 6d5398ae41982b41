"""One-tap SOS (今すぐ助けが必要): alert the desk at once, details later on the same case.

What other code may use is exported here.
"""

from bot.sos.ids import ADD_DETAILS_ACTION, CONFIRM_VIEW, OPEN_ACTION
from bot.sos.service import add_details, raise_sos

__all__ = ["ADD_DETAILS_ACTION", "CONFIRM_VIEW", "OPEN_ACTION", "add_details", "raise_sos"]
