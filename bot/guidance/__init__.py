"""Policy guidance: the HR-written content (`guidance/*.yaml`), how it is found and shown, and the
desk's recommended response posted in each case thread.

`library` (the content as data, topic lookup), `loading` (read and validate), `checks` (render
checks), `messages` (pure builders and the private answers), `renderers`/`service`/`feature` (the
case-thread post). What other code uses is re-exported here: `from bot.guidance import …`.
"""

from bot.guidance.ids import (
    ACTION_PICK_TOPIC,
    BLOCK_HELP,
    BLOCK_HELP_ACTIONS,
    BLOCK_IN_DANGER,
    BLOCK_TOPIC_PICKER,
    DESK_THREAD,
)
from bot.guidance.library import (
    CATEGORY_KEYS,
    EVERY_CASE,
    GENERAL_KEYS,
    LOCALES,
    Category,
    DeskEntry,
    EmployeeEntry,
    GeneralEntry,
    GuidanceError,
    GuidanceLibrary,
    Keywords,
    Text,
    Topic,
)
from bot.guidance.loading import default_directory, load_guidance, validate_guidance
from bot.guidance.messages import (
    Answer,
    HelpLine,
    category_options,
    desk_guidance_blocks,
    employee_guidance_blocks,
    help_answer,
    overview_blocks,
    policy_answer,
    topic_answer,
    topic_blocks,
    topic_picker,
    unknown_topic_blocks,
)
from bot.guidance.sources import SOURCE_FIELD, factual_lines, source_problems
from bot.i18n import Locale
from bot.slack.limits import check_blocks

__all__ = [
    "ACTION_PICK_TOPIC",
    "BLOCK_HELP",
    "BLOCK_HELP_ACTIONS",
    "BLOCK_IN_DANGER",
    "BLOCK_TOPIC_PICKER",
    "CATEGORY_KEYS",
    "DESK_THREAD",
    "EVERY_CASE",
    "GENERAL_KEYS",
    "LOCALES",
    "SOURCE_FIELD",
    "Answer",
    "Category",
    "DeskEntry",
    "EmployeeEntry",
    "GeneralEntry",
    "GuidanceError",
    "GuidanceLibrary",
    "HelpLine",
    "Keywords",
    "Locale",
    "Text",
    "Topic",
    "category_options",
    "check_blocks",
    "default_directory",
    "desk_guidance_blocks",
    "employee_guidance_blocks",
    "factual_lines",
    "help_answer",
    "load_guidance",
    "overview_blocks",
    "policy_answer",
    "source_problems",
    "topic_answer",
    "topic_blocks",
    "topic_picker",
    "unknown_topic_blocks",
    "validate_guidance",
]
