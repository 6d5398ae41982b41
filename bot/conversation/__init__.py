"""The case conversation: desk and reporter talk through the bot.

Other features and the wiring use only what is exported here.
"""

from bot.conversation.renderers import unread_line
from bot.conversation.service import enqueue_slack_purge, queue_to_reporter

__all__ = ["enqueue_slack_purge", "queue_to_reporter", "unread_line"]
