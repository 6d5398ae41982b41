"""Pure builders of what guidance shows: a topic, the overview, the topic menu, the reporter's and
the desk's guidance per category, and the private answers to `/harassment policy|help`.

The listeners in `handlers/` only parse the request and send these blocks privately.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from bot.guidance.ids import (
    ACTION_PICK_TOPIC,
    BLOCK_HELP,
    BLOCK_HELP_ACTIONS,
    BLOCK_IN_DANGER,
    BLOCK_TOPIC_PICKER,
)
from bot.guidance.library import (
    CATEGORY_KEYS,
    EVERY_CASE,
    DeskEntry,
    GuidanceLibrary,
    Topic,
)
from bot.i18n import Locale, normalize_locale, t
from bot.report import COMMAND, OPEN_REPORT_ACTION
from bot.slack import blocks as bk
from bot.slack.blocks import Block, context, divider, header, option, section
from bot.slack.mrkdwn import escape
from bot.sos import OPEN_ACTION as SOS_ACTION

# A mistyped query is echoed back; cap it so a pasted paragraph cannot push the reply over limits.
MAX_QUERY_ECHO = 100


def topic_select(placeholder: str, options: Sequence[dict[str, Any]]) -> Block:
    return bk.select("static_select", ACTION_PICK_TOPIC, list(options), placeholder=placeholder)


def _fill(text: str, **values: str) -> str:
    # Plain replacement rather than str.format: HR-written text must not break on a stray brace.
    for name, value in values.items():
        text = text.replace("{" + name + "}", value)
    return text


def _category_list(lib: GuidanceLibrary, locale: Locale) -> str:
    return "\n".join(f"• {category.title.get(locale)}" for category in lib.categories.values())


def _hotline(locale: Locale, hotline_url: str | None) -> str:
    url = (hotline_url or "").strip()
    if not url:
        return t("guidance.hotline_ask_hr", locale)
    # "|" would end the link target early in <url|label>.
    safe_url = escape(url).replace("|", "%7C")
    return t("guidance.hotline_link", locale, url=safe_url)


def _general_text(
    lib: GuidanceLibrary, key: str, locale: Locale, hotline_url: str | None = None
) -> str:
    return _fill(
        lib.general[key].text.get(locale),
        categories=_category_list(lib, locale),
        hotline=_hotline(locale, hotline_url),
    )


def _help_section(lib: GuidanceLibrary, locale: Locale) -> Block:
    entry = lib.general["help"]
    return section(f"*{entry.title.get(locale)}*\n{entry.text.get(locale)}", block_id=BLOCK_HELP)


def topic_picker(lib: GuidanceLibrary, locale: Locale) -> Block:
    """A menu of every topic; choosing one sends ACTION_PICK_TOPIC with the topic key."""
    options = [option(topic.title.get(locale), topic.key) for topic in lib.topics()]
    picker = topic_select(t("guidance.pick_topic_placeholder", locale), options)
    return section(
        t("guidance.pick_topic_prompt", locale), block_id=BLOCK_TOPIC_PICKER, accessory=picker
    )


def _category_keys(lib: GuidanceLibrary, categories: Iterable[str]) -> list[str]:
    wanted = set()
    for key in categories:
        if key not in lib.categories:
            raise ValueError(
                f"unknown category {key!r}; expected one of {', '.join(CATEGORY_KEYS)}"
            )
        wanted.add(key)
    # Policy order, so the reporter's DM and the desk thread list categories the same way.
    return [key for key in lib.categories if key in wanted]


def overview_blocks(
    lib: GuidanceLibrary, locale: str, hotline_url: str | None = None
) -> list[Block]:
    """The basics, where to get help, the reverse-direction note, and a topic picker."""
    loc = normalize_locale(locale, "en")
    return [
        header(lib.general["overview"].title.get(loc)),
        section(_general_text(lib, "overview", loc)),
        divider(),
        _help_section(lib, loc),
        context(_general_text(lib, "conduct", loc, hotline_url)),
        topic_picker(lib, loc),
    ]


def topic_blocks(
    lib: GuidanceLibrary, topic: Topic | str, locale: str, hotline_url: str | None = None
) -> list[Block]:
    """The guidance for one topic (``Topic`` or its key), for the person who asked.

    Raises KeyError for a key that is not a topic; use ``find_topic`` on user input first.
    """
    loc = normalize_locale(locale, "en")
    key = topic if isinstance(topic, str) else topic.key
    if key == "overview":
        return overview_blocks(lib, loc, hotline_url)
    if key in lib.categories:
        category = lib.categories[key]
        entry = lib.employee[key]
        title, label = category.title.get(loc), category.label.get(loc)
        # The form's full label under the short heading, unless it would only repeat it.
        named = [header(title)] + ([context(label)] if label != title else [])
        return [
            *named,
            section(f"*{t('guidance.now_heading', loc)}*\n{entry.now.get(loc)}"),
            section(f"*{t('guidance.company_heading', loc)}*\n{entry.company.get(loc)}"),
            divider(),
            _help_section(lib, loc),
        ]
    general = lib.general[key]
    if key == "help":
        return [header(general.title.get(loc)), section(general.text.get(loc), block_id=BLOCK_HELP)]
    blocks = [header(general.title.get(loc)), section(_general_text(lib, key, loc, hotline_url))]
    if key == "in_danger":
        blocks += [divider(), _help_section(lib, loc)]
    return blocks


def unknown_topic_blocks(lib: GuidanceLibrary, query: str, locale: str) -> list[Block]:
    """Answer to a topic we could not match: say so, list the topics, offer the picker."""
    loc = normalize_locale(locale, "en")
    shown = query.strip()
    if len(shown) > MAX_QUERY_ECHO:
        shown = shown[: MAX_QUERY_ECHO - 1] + "…"
    lines = [
        t("guidance.topic_line", loc, title=topic.title.get(loc), topic=topic.key)
        for topic in lib.topics()
    ]
    return [
        section(t("guidance.unknown_topic", loc, query=escape(shown))),
        section(t("guidance.topics_heading", loc) + "\n" + "\n".join(lines)),
        topic_picker(lib, loc),
    ]


def employee_guidance_blocks(
    lib: GuidanceLibrary, categories: Iterable[str], locale: str, in_danger: bool = False
) -> list[Block]:
    """For the reporter's confirmation DM: safety first if in danger, then each category, then help.

    Raises ValueError for a category key that is not one of the twelve.
    """
    loc = normalize_locale(locale, "en")
    keys = _category_keys(lib, categories)
    blocks: list[Block] = []
    if in_danger:
        entry = lib.general["in_danger"]
        text = f":rotating_light: *{entry.title.get(loc)}*\n{_general_text(lib, 'in_danger', loc)}"
        blocks.append(section(text, block_id=BLOCK_IN_DANGER))
    if keys:
        blocks.append(context(t("guidance.employee_intro", loc)))
    for key in keys:
        advice = lib.employee[key]
        blocks.append(
            section(
                f"*{lib.categories[key].title.get(loc)}*\n{advice.now.get(loc)}\n"
                f"_{t('guidance.company_heading', loc)}_\n{advice.company.get(loc)}"
            )
        )
    blocks.append(_help_section(lib, loc))
    return blocks


def _desk_text(heading: str, entry: DeskEntry, locale: Locale) -> str:
    return (
        f"*{heading}*\n"
        f"_{t('guidance.facts_heading', locale)}_\n{entry.facts.get(locale)}\n"
        f"_{t('guidance.actions_heading', locale)}_\n{entry.actions.get(locale)}"
    )


def desk_guidance_blocks(
    lib: GuidanceLibrary, categories: Iterable[str], locale: str
) -> list[Block]:
    """For the case thread: the recommended response per category, then what applies to all.

    Raises ValueError for a category key that is not one of the twelve.
    """
    loc = normalize_locale(locale, "en")
    blocks = [header(t("guidance.desk_heading", loc))]
    for key in _category_keys(lib, categories):
        label = lib.categories[key].label.get(loc)
        blocks.append(section(_desk_text(label, lib.desk[key], loc)))
    every_case = _desk_text(t("guidance.every_case_heading", loc), lib.desk[EVERY_CASE], loc)
    blocks.append(section(every_case))
    return blocks


def category_options(lib: GuidanceLibrary, locale: str) -> list[dict[str, Any]]:
    """The twelve categories as option objects (value = key) for the report form."""
    loc = normalize_locale(locale, "en")
    return [option(category.label.get(loc), key) for key, category in lib.categories.items()]


# ── private answers ───────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class Answer:
    """A private reply: `text` is the notification fallback, `blocks` what the person reads."""

    text: str
    blocks: list[bk.Block]


def policy_answer(
    lib: GuidanceLibrary, query: str, locale: str, hotline_url: str | None = None
) -> Answer:
    """The overview for an empty query, the matching topic, or the list of topics."""
    loc = normalize_locale(locale, "en")
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
    loc = normalize_locale(locale, "en")
    try:
        topic = lib.topic(key)
    except KeyError:
        return policy_answer(lib, key or "?", loc, hotline_url)
    blocks = topic_blocks(lib, topic, loc, hotline_url)
    if not any(block.get("accessory", {}).get("type") == "static_select" for block in blocks):
        blocks.append(topic_picker(lib, loc))
    text = t("guidance.policy_notification", loc, title=topic.title.get(loc))
    return Answer(text, blocks)


@dataclass(frozen=True)
class HelpLine:
    """One line of `/harassment help`: its catalogue key and the other words that do the same."""

    key: str
    aliases: tuple[str, ...] = ()


def help_line(line: HelpLine, locale: Locale) -> str:
    words = ("、" if locale == "ja" else ", ").join(f"`{COMMAND} {word}`" for word in line.aliases)
    aliases = t("commands.aliases", locale, words=words) if line.aliases else ""
    return "• " + t(line.key, locale, command=COMMAND, aliases=aliases)


def help_answer(locale: str, lines: Sequence[HelpLine]) -> Answer:
    """The subcommands (`lines`, from the command's routing table) in the person's language, and
    a button that opens the report form."""
    loc = normalize_locale(locale, "en")
    heading = t("guidance.help_heading", loc, command=COMMAND)
    return Answer(
        heading,
        [
            bk.header(heading),
            bk.section("\n".join(help_line(line, loc) for line in lines)),
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
