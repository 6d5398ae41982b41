"""Checks of loaded guidance content that need it rendered: words that lead to two topics, and
texts or renderings over Slack's limits, each named by the file and entry to fix."""

from __future__ import annotations

from collections.abc import Iterator

from bot.guidance.library import CATEGORY_KEYS, LOCALES, GuidanceLibrary, Locale, _Term, terms_of
from bot.guidance.messages import (
    category_options,
    desk_guidance_blocks,
    employee_guidance_blocks,
    overview_blocks,
    topic_blocks,
    topic_select,
    unknown_topic_blocks,
)
from bot.slack.blocks import Block, section
from bot.slack.limits import HEADER_TEXT_MAX, OPTION_TEXT_MAX, check_blocks

# Stand-ins for what operators and users send, so the render check covers realistic worst cases.
_SAMPLE_HOTLINE_URL = "https://compliance.example.com/hotline?" + "x" * 170
_SAMPLE_QUERY = "x" * 500


def ambiguity_problems(lib: GuidanceLibrary) -> list[str]:
    owners: dict[str, _Term] = {}
    problems: list[str] = []
    for term in terms_of(lib):
        first = owners.setdefault(term.compact, term)
        if first.topic != term.topic:
            problems.append(
                f"{term.source}: {term.spaced!r} already leads to topic {first.topic!r} "
                f"({first.source}); a word may lead to one topic only"
            )
    return problems


def _renders(lib: GuidanceLibrary, locale: Locale) -> Iterator[tuple[str, list[Block]]]:
    yield "overview without hotline", overview_blocks(lib, locale, None)
    yield "overview with hotline", overview_blocks(lib, locale, _SAMPLE_HOTLINE_URL)
    for topic in lib.topics():
        yield f"topic {topic.key!r}", topic_blocks(lib, topic, locale, _SAMPLE_HOTLINE_URL)
    yield "topic 'conduct' without hotline", topic_blocks(lib, "conduct", locale, None)
    yield "unknown topic", unknown_topic_blocks(lib, _SAMPLE_QUERY, locale)
    yield (
        "report form choices",
        [section("-", accessory=topic_select("-", category_options(lib, locale)))],
    )
    for key in CATEGORY_KEYS:
        yield f"employee guidance for {key!r}", employee_guidance_blocks(lib, [key], locale, True)
        yield f"desk guidance for {key!r}", desk_guidance_blocks(lib, [key], locale)


def _combined_renders(lib: GuidanceLibrary, locale: Locale) -> Iterator[tuple[str, list[Block]]]:
    yield (
        "employee guidance for all twelve",
        employee_guidance_blocks(lib, CATEGORY_KEYS, locale, True),
    )
    yield "desk guidance for all twelve", desk_guidance_blocks(lib, CATEGORY_KEYS, locale)


def raw_length_problems(lib: GuidanceLibrary) -> list[str]:
    """Texts that bot.slack.blocks would shorten silently (headings, menu choices), named by file.

    The render check cannot see these: header() and option() truncate to Slack's limits.
    """
    problems: list[str] = []

    def check(where: str, text: str, limit: int, what: str) -> None:
        if len(text) > limit:
            problems.append(
                f"{where}: {len(text)} characters, over Slack's limit of {limit} for {what}"
            )

    for topic in lib.topics():
        file = "categories.yaml" if topic.kind == "category" else "general.yaml"
        for locale in LOCALES:
            title = topic.title.get(locale)
            where = f"{file}: {topic.key}.title.{locale}"
            check(where, title, HEADER_TEXT_MAX, "header text (a heading)")
            check(where, title, OPTION_TEXT_MAX, "option text (a choice in the topic menu)")
            if topic.kind == "category":
                label = lib.categories[topic.key].label.get(locale)
                check(
                    f"{file}: {topic.key}.label.{locale}",
                    label,
                    OPTION_TEXT_MAX,
                    "option text (a choice on the report form)",
                )
    return problems


def render_problems(lib: GuidanceLibrary) -> list[str]:
    problems: list[str] = []
    for renders in (_renders, _combined_renders):
        for locale in LOCALES:
            for what, blocks in renders(lib, locale):
                problems += [f"rendered {what} ({locale}): {p}" for p in check_blocks(blocks)]
        # Once a single entry is too long, every combination with it is too; say it once.
        if problems:
            break
    return problems
