"""Reading case content on record: the case modal, Show name, the reporter's Open, and the
hash-chained access log every such read writes (`record_access`, `verify`).

What other features may use is exported here.
"""

from bot.access.feature import access_home_line
from bot.access.log import (
    EXPORT,
    OPEN_CASE,
    OPEN_EVIDENCE,
    REGISTER_LOOKUP,
    REPORTER_OPEN,
    SHOW_NAME,
    ChainReport,
    record_access,
    verify,
)

__all__ = [
    "EXPORT",
    "OPEN_CASE",
    "OPEN_EVIDENCE",
    "REGISTER_LOOKUP",
    "REPORTER_OPEN",
    "SHOW_NAME",
    "ChainReport",
    "access_home_line",
    "record_access",
    "verify",
]
