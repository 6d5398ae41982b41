"""What `/harassment policy [topic]`, the topic menu and `/harassment help` answer (pure builders).

The listeners in `handlers/` only parse the request and send these blocks privately.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot import blocks as bk
from bot.guidance import (
    GuidanceLibrary,
    normalize_locale,
    topic_blocks,
    topic_picker,
    unknown_topic_blocks,
)
from bot.i18n import t
from bot.report.ids import COMMAND, OPEN_REPORT_ACTION
from bot.sos.ids import OPEN_ACTION as SOS_ACTION

BLOCK_HELP_ACTIONS = "guidance_help_actions"


@dataclass(frozen=True)
class Answer:
    """A private reply: `text` is the notification fallback, `blocks` what the person reads."""

    text: str
    blocks: list[bk.Block]


def policy_answer(
    lib: GuidanceLibrary, query: str, locale: str, hotline_url: str | None = None
) -> Answer:
    """The overview for an empty query, the matching topic, or the list of topics."""
    loc = normalize_locale(locale)
    if not query.strip():
        return topic_answer(lib, "overview", loc, hotline_url)
    topic = lib.find_topic(query)
    if topic is None:
        title = lib.general["overview"].title.get(loc)
        text = t("guidance.policy_notification", loc, title=title)
        return Answer(text, unknown_topic_blocks(lib, query, loc))
    return topic_answer(lib, topic.key, loc, hotline_url)


def topic_answer(
    lib: GuidanceLibrary, key: str, locale: str, hotline_url: str | None = None
) -> Answer:
    """One topic, with the topic menu at the end so the person can read on from there.

    A key that is not a topic (an old menu after HR changed the content) lists the topics.
    """
    loc = normalize_locale(locale)
    try:
        topic = lib.topic(key)
    except KeyError:
        return policy_answer(lib, key or "?", loc, hotline_url)
    blocks = topic_blocks(lib, topic, loc, hotline_url)
    if not any(block.get("accessory", {}).get("type") == "static_select" for block in blocks):
        blocks.append(topic_picker(lib, loc))
    text = t("guidance.policy_notification", loc, title=topic.title.get(loc))
    return Answer(text, blocks)


def help_answer(locale: str) -> Answer:
    """The subcommands in the person's language, and a button that opens the report form."""
    loc = normalize_locale(locale)
    heading = t("guidance.help_heading", loc, command=COMMAND)
    return Answer(
        heading,
        [
            bk.header(heading),
            bk.section(t("guidance.help_commands", loc, command=COMMAND)),
            bk.actions(
                [
                    bk.button(
                        t("guidance.report_button", loc), OPEN_REPORT_ACTION, style="primary"
                    ),
                    bk.button(t("sos.button", loc), SOS_ACTION, "help", style="danger"),
                ],
                block_id=BLOCK_HELP_ACTIONS,
            ),
            bk.context(t("guidance.help_footer", loc)),
        ],
    )
