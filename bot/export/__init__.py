"""Case export (desk only): a CSV for HR systems and Excel.

What other features use (through this package, not its modules).
"""

from bot.export.labels import Labels
from bot.export.service import MonthRange, desk_hours_between

__all__ = ["Labels", "MonthRange", "desk_hours_between"]
