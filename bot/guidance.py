"""Guidance content: loading, validation, topic lookup and Block Kit rendering.

The content is plain YAML in the ``guidance`` package so HR can edit it (each file's header says
how). This module stays pure (no Slack calls, no environment) so the same functions serve the
listeners, the outbox worker and the offline check ``harassment-desk guidance check``.
UI strings come from ``bot.i18n`` (``bot/locales/guidance.yaml``), blocks from ``bot.blocks``.
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal, cast

import yaml

import guidance as _guidance_package
from bot import blocks as bk
from bot import i18n
from bot.blocks import Block, context, divider, header, option, section
from bot.guidance_sources import SOURCE_FIELD, source_problems
from bot.i18n import t
from bot.mrkdwn import escape

Locale = Literal["ja", "en"]
LOCALES: tuple[Locale, ...] = ("ja", "en")

# The stored reports use these keys, so they are fixed in code; the content only supplies labels.
CATEGORY_KEYS: tuple[str, ...] = (
    "physical",
    "mental",
    "intimidation",
    "apology",
    "persistent",
    "restrictive",
    "discriminatory",
    "sexual",
    "targeted",
    "compensation",
    "excessive_service",
    "no_legitimate_reason",
)
GENERAL_KEYS: tuple[str, ...] = ("overview", "in_danger", "help", "conduct")
EVERY_CASE = "every_case"

BLOCK_TOPIC_PICKER = "guidance_topic_picker"
ACTION_PICK_TOPIC = "guidance_pick_topic"
BLOCK_IN_DANGER = "guidance_in_danger"
BLOCK_HELP = "guidance_help"

# Slack's limits (see shared/slack/blockkit_limits.json); the shared ones come from bot.blocks.
MAX_BLOCKS = bk.MESSAGE_BLOCKS_MAX
MAX_SECTION_TEXT = bk.SECTION_TEXT_MAX
MAX_FIELD_TEXT = bk.FIELD_TEXT_MAX
MAX_SECTION_FIELDS = 10
MAX_HEADER_TEXT = bk.HEADER_TEXT_MAX
MAX_BUTTON_TEXT = bk.BUTTON_TEXT_MAX
MAX_OPTION_TEXT = bk.OPTION_TEXT_MAX
MAX_OPTION_VALUE = 150
MAX_OPTIONS = 100
MAX_PLACEHOLDER_TEXT = 150
MAX_CONTEXT_ELEMENTS = 10
MAX_ACTION_ELEMENTS = 25
MAX_ID = 255
# Undocumented: Slack answers msg_blocks_too_long somewhere past ~12k characters of block text.
MAX_TOTAL_TEXT = 12000

# A mistyped query is echoed back; cap it so a pasted paragraph cannot push the reply over limits.
MAX_QUERY_ECHO = 100


class GuidanceError(Exception):
    """The guidance content is broken; ``problems`` has one human-readable line per problem."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        super().__init__(f"guidance content has {count} {noun}:\n" + "\n".join(self.problems))


# ── data ─────────────────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class Text:
    ja: str
    en: str

    def get(self, locale: Locale) -> str:
        return self.ja if locale == "ja" else self.en


@dataclass(frozen=True)
class Keywords:
    ja: tuple[str, ...]
    en: tuple[str, ...]

    def all(self) -> tuple[str, ...]:
        return self.ja + self.en


@dataclass(frozen=True)
class Category:
    key: str
    label: Text
    title: Text
    keywords: Keywords


@dataclass(frozen=True)
class EmployeeEntry:
    key: str
    now: Text
    company: Text


@dataclass(frozen=True)
class DeskEntry:
    key: str
    facts: Text
    actions: Text


@dataclass(frozen=True)
class GeneralEntry:
    key: str
    title: Text
    keywords: Keywords
    text: Text


TopicKind = Literal["general", "category"]


@dataclass(frozen=True)
class Topic:
    key: str
    kind: TopicKind
    title: Text
    keywords: Keywords


@dataclass(frozen=True)
class _Term:
    spaced: str
    compact: str
    topic: str
    source: str
    pattern: re.Pattern[str] | None


@dataclass(frozen=True)
class GuidanceLibrary:
    categories: Mapping[str, Category]
    employee: Mapping[str, EmployeeEntry]
    desk: Mapping[str, DeskEntry]
    general: Mapping[str, GeneralEntry]

    @property
    def category_keys(self) -> tuple[str, ...]:
        return CATEGORY_KEYS

    def category_label(self, key: str, locale: str) -> str:
        """The form's label of a category; an unknown (e.g. retired) key is shown as itself."""
        category = self.categories.get(key)
        return category.label.get(normalize_locale(locale)) if category else key

    def category_choices(self, locale: str) -> list[tuple[str, str]]:
        return [(key, self.category_label(key, locale)) for key in CATEGORY_KEYS]

    def employee_blocks(self, categories: Sequence[str], locale: str) -> list[Block]:
        """Guidance for the reporter's confirmation DM, which states the in-danger steps itself."""
        known = [key for key in categories if key in self.categories]
        return employee_guidance_blocks(self, known, locale, in_danger=False)

    def topics(self) -> list[Topic]:
        """All topics in display order: the basics and safety first, the reverse direction last."""
        order = ("overview", "in_danger", *CATEGORY_KEYS, "help", "conduct")
        return [self.topic(key) for key in order]

    def topic(self, key: str) -> Topic:
        if key in self.categories:
            category = self.categories[key]
            return Topic(key, "category", category.title, category.keywords)
        entry = self.general[key]
        return Topic(key, "general", entry.title, entry.keywords)

    def find_topic(self, query: str) -> Topic | None:
        """The topic a user means by ``query``, or None when nothing (or more than one) fits.

        An exact key, title, label or keyword wins; otherwise the longest known word found inside
        the query, so "土下座を求められた" still finds the apology guidance.
        """
        spaced = _normalize(query)
        compact = _compact(spaced)
        if not compact:
            return None
        exact = self._exact_terms.get(compact)
        if exact is not None:
            return self.topic(exact)
        best_length = 0
        best: set[str] = set()
        for term in self._terms:
            if len(term.compact) < 2:
                continue
            if term.pattern is not None:
                found = term.pattern.search(spaced) is not None
            else:
                found = term.compact in compact
            if not found:
                continue
            if len(term.compact) > best_length:
                best_length, best = len(term.compact), {term.topic}
            elif len(term.compact) == best_length:
                best.add(term.topic)
        if len(best) != 1:
            return None
        return self.topic(best.pop())

    @functools.cached_property
    def _terms(self) -> tuple[_Term, ...]:
        return tuple(_terms_of(self))

    @functools.cached_property
    def _exact_terms(self) -> Mapping[str, str]:
        return {term.compact: term.topic for term in self._terms}


# ── lookup helpers ───────────────────────────────────────────────────────────────────────────────

_SEPARATORS = re.compile(r"[\s_\-]+")
_EDGE_PUNCTUATION = " \"'`“”‘’「」『』()[].,!?。、…:;"


def _normalize(text: str) -> str:
    # NFKC folds full-width letters and spaces typed on Japanese keyboards ("ＳＮＳ", "　").
    folded = unicodedata.normalize("NFKC", text).casefold().strip(_EDGE_PUNCTUATION)
    return _SEPARATORS.sub(" ", folded).strip()


def _compact(normalized: str) -> str:
    # Japanese is written without spaces, so "土 下 座" and "excessive service" should still match.
    return normalized.replace(" ", "")


def _term(raw: str, topic: str, source: str) -> _Term:
    spaced = _normalize(raw)
    pattern = None
    if spaced.isascii():
        # ASCII words only match whole words ("hit" must not match "white"); \w would treat kana
        # as word characters and miss "snsに書かれた".
        pattern = re.compile(rf"(?<![a-z0-9]){re.escape(spaced)}(?![a-z0-9])")
    return _Term(spaced, _compact(spaced), topic, source, pattern)


def _terms_of(lib: GuidanceLibrary) -> Iterator[_Term]:
    for topic in lib.topics():
        file = "categories.yaml" if topic.kind == "category" else "general.yaml"
        yield _term(topic.key, topic.key, "its key")
        for locale in LOCALES:
            yield _term(topic.title.get(locale), topic.key, f"{file} {topic.key}.title.{locale}")
            if topic.kind == "category":
                label = lib.categories[topic.key].label.get(locale)
                yield _term(label, topic.key, f"{file} {topic.key}.label.{locale}")
            for word in getattr(topic.keywords, locale):
                yield _term(word, topic.key, f"{file} {topic.key}.keywords.{locale}")


# ── locale and UI strings ────────────────────────────────────────────────────────────────────────


def normalize_locale(locale: str | None) -> Locale:
    """``bot.i18n.normalize_locale`` narrowed to our two content languages; unknown is English."""
    return cast(Locale, i18n.normalize_locale(locale, "en"))


def _topic_select(placeholder: str, options: Sequence[dict[str, Any]]) -> Block:
    return bk.select("static_select", ACTION_PICK_TOPIC, list(options), placeholder=placeholder)


# ── builders ─────────────────────────────────────────────────────────────────────────────────────


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
    picker = _topic_select(t("guidance.pick_topic_placeholder", locale), options)
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
    loc = normalize_locale(locale)
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
    loc = normalize_locale(locale)
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
    loc = normalize_locale(locale)
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
    loc = normalize_locale(locale)
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
    loc = normalize_locale(locale)
    blocks = [header(t("guidance.desk_heading", loc))]
    for key in _category_keys(lib, categories):
        label = lib.categories[key].label.get(loc)
        blocks.append(section(_desk_text(label, lib.desk[key], loc)))
    every_case = _desk_text(t("guidance.every_case_heading", loc), lib.desk[EVERY_CASE], loc)
    blocks.append(section(every_case))
    return blocks


def category_options(lib: GuidanceLibrary, locale: str) -> list[dict[str, Any]]:
    """The twelve categories as option objects (value = key) for the report form."""
    loc = normalize_locale(locale)
    return [option(category.label.get(loc), key) for key, category in lib.categories.items()]


# ── limits ───────────────────────────────────────────────────────────────────────────────────────


def _length_problem(text: object, where: str, what: str, limit: int, problems: list[str]) -> int:
    if not isinstance(text, str) or not text.strip():
        problems.append(f"{where}: {what} is empty")
        return 0
    if len(text) > limit:
        problems.append(f"{where}: {what} is {len(text)} characters, over Slack's limit of {limit}")
    return len(text)


def _id_problem(value: object, where: str, problems: list[str]) -> None:
    if isinstance(value, str) and len(value) > MAX_ID:
        problems.append(f"{where}: id is {len(value)} characters, over Slack's limit of {MAX_ID}")


def _check_element(element: Mapping[str, Any], where: str, problems: list[str]) -> int:
    kind = element.get("type")
    _id_problem(element.get("action_id"), f"{where}.action_id", problems)
    if kind == "button":
        text = element.get("text", {}).get("text")
        return _length_problem(text, f"{where}.text", "button text", MAX_BUTTON_TEXT, problems)
    if kind == "static_select":
        total = _length_problem(
            element.get("placeholder", {}).get("text"),
            f"{where}.placeholder",
            "placeholder",
            MAX_PLACEHOLDER_TEXT,
            problems,
        )
        options = element.get("options", [])
        if not options or len(options) > MAX_OPTIONS:
            problems.append(f"{where}: {len(options)} options, Slack allows 1 to {MAX_OPTIONS}")
        for index, item in enumerate(options):
            item_where = f"{where}.options[{index}] ({item.get('value')!r})"
            text = item.get("text", {}).get("text")
            total += _length_problem(text, item_where, "option text", MAX_OPTION_TEXT, problems)
            value = item.get("value", "")
            if len(value) > MAX_OPTION_VALUE:
                problems.append(f"{item_where}: value is over Slack's limit of {MAX_OPTION_VALUE}")
        return total
    problems.append(f"{where}: element type {kind!r} is not checked here")
    return 0


def check_blocks(blocks: Sequence[Mapping[str, Any]]) -> list[str]:
    """Problems that would make Slack reject (or truncate) a message with these blocks."""
    problems: list[str] = []
    if len(blocks) > MAX_BLOCKS:
        problems.append(f"{len(blocks)} blocks, over Slack's limit of {MAX_BLOCKS} per message")
    block_ids: set[str] = set()
    total = 0
    for index, block in enumerate(blocks):
        where = f"blocks[{index}]"
        block_id = block.get("block_id")
        if block_id is not None:
            _id_problem(block_id, f"{where}.block_id", problems)
            if block_id in block_ids:
                problems.append(f"{where}: block_id {block_id!r} is used twice")
            block_ids.add(block_id)
        kind = block.get("type")
        if kind == "section":
            fields = block.get("fields") or []
            if "text" in block or not fields:
                text = block.get("text", {}).get("text")
                total += _length_problem(
                    text, f"{where}.text", "section text", MAX_SECTION_TEXT, problems
                )
            if len(fields) > MAX_SECTION_FIELDS:
                problems.append(f"{where}: {len(fields)} fields, over {MAX_SECTION_FIELDS}")
            for number, item in enumerate(fields):
                total += _length_problem(
                    item.get("text"), f"{where}.fields[{number}]", "field", MAX_FIELD_TEXT, problems
                )
            if "accessory" in block:
                total += _check_element(block["accessory"], f"{where}.accessory", problems)
        elif kind == "header":
            text = block.get("text", {}).get("text")
            total += _length_problem(
                text, f"{where}.text", "header text", MAX_HEADER_TEXT, problems
            )
        elif kind == "context":
            elements = block.get("elements", [])
            if not elements or len(elements) > MAX_CONTEXT_ELEMENTS:
                problems.append(f"{where}: {len(elements)} elements, Slack allows 1 to 10")
            for number, item in enumerate(elements):
                total += _length_problem(
                    item.get("text"),
                    f"{where}.elements[{number}]",
                    "context text",
                    MAX_SECTION_TEXT,
                    problems,
                )
        elif kind == "actions":
            elements = block.get("elements", [])
            if not elements or len(elements) > MAX_ACTION_ELEMENTS:
                problems.append(f"{where}: {len(elements)} elements, Slack allows 1 to 25")
            for number, item in enumerate(elements):
                total += _check_element(item, f"{where}.elements[{number}]", problems)
        elif kind != "divider":
            problems.append(f"{where}: block type {kind!r} is not checked here")
    if total > MAX_TOTAL_TEXT:
        problems.append(
            f"{total} characters of text in one message; "
            f"Slack may refuse more than {MAX_TOTAL_TEXT}"
        )
    return problems


# ── loading and validation ───────────────────────────────────────────────────────────────────────

_FieldKind = Literal["text", "keywords"]

_SCHEMA: dict[str, tuple[tuple[str, ...], dict[str, _FieldKind]]] = {
    "categories.yaml": (
        CATEGORY_KEYS,
        {"label": "text", "title": "text", "keywords": "keywords"},
    ),
    "employee.yaml": (CATEGORY_KEYS, {"now": "text", "company": "text"}),
    "desk.yaml": ((*CATEGORY_KEYS, EVERY_CASE), {"facts": "text", "actions": "text"}),
    "general.yaml": (GENERAL_KEYS, {"title": "text", "keywords": "keywords", "text": "text"}),
}
# Read and checked by other features (bot/awareness): the guidance check only checks their sources.
OTHER_FILES: tuple[str, ...] = ("awareness.yaml",)
# Placeholders the app fills, per (file, entry, field); each listed one must appear in the text.
_PLACEHOLDERS: dict[tuple[str, str, str], str] = {
    ("general.yaml", "overview", "text"): "categories",
    ("general.yaml", "conduct", "text"): "hotline",
}
_PLACEHOLDER = re.compile(r"\{([^{}\s]*)\}")

# Stand-ins for what operators and users send, so the render check covers realistic worst cases.
_SAMPLE_HOTLINE_URL = "https://compliance.example.com/hotline?" + "x" * 170
_SAMPLE_QUERY = "x" * 500


def default_directory() -> Path:
    """The folder of the ``guidance`` package, where the shipped content lives."""
    location = _guidance_package.__file__
    if location is None:  # pragma: no cover - only a namespace package has no __file__
        raise GuidanceError(["the guidance package has no folder"])
    return Path(location).parent


def _type_name(value: object) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"yes/no ({value})"
    if isinstance(value, int | float):
        return f"a number ({value})"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _suggest(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f"did you mean {close[0]!r}?" if close else "expected one of: " + ", ".join(choices)


def _by_language(
    value: object, where: str, shape: str, what: str, problems: list[str]
) -> Iterator[tuple[str, object]]:
    """Each present language's value at `where`, after reporting wrong shapes, unknown and
    missing languages (`shape`: "lines"/"lists"; `what`: "text"/"keywords")."""
    if not isinstance(value, dict):
        problems.append(f"{where}: must have ja: and en: {shape} below it, got {_type_name(value)}")
        return
    for language in value:
        if language not in LOCALES:
            problems.append(f"{where}: unknown language {language!r} (expected ja and en)")
    for language in LOCALES:
        if language not in value:
            problems.append(f"{where}: missing {language} {what}")
            continue
        yield language, value[language]


def _check_text(value: object, where: str, placeholder: str | None, problems: list[str]) -> None:
    for language, text in _by_language(value, where, "lines", "text", problems):
        if not isinstance(text, str):
            problems.append(f"{where}.{language}: must be text, got {_type_name(text)}")
        elif not text.strip():
            problems.append(f"{where}.{language}: empty text")
        else:
            for name in _PLACEHOLDER.findall(text):
                if name != placeholder:
                    allowed = f"{{{placeholder}}}" if placeholder else "none"
                    problems.append(
                        f"{where}.{language}: unknown placeholder {{{name}}} "
                        f"(allowed here: {allowed})"
                    )
            if placeholder and "{" + placeholder + "}" not in text:
                problems.append(f"{where}.{language}: missing placeholder {{{placeholder}}}")


def _check_keywords(value: object, where: str, problems: list[str]) -> None:
    for language, words in _by_language(value, where, "lists", "keywords", problems):
        if not isinstance(words, list):
            problems.append(f"{where}.{language}: must be a list like [word, other word]")
            continue
        for index, word in enumerate(words):
            if not isinstance(word, str):
                problems.append(
                    f"{where}.{language}[{index}]: must be text (put it in quotes), "
                    f"got {_type_name(word)}"
                )
            elif not word.strip():
                problems.append(f"{where}.{language}[{index}]: empty keyword")


def _read_file(path: Path, problems: list[str]) -> dict[str, Any] | None:
    if not path.is_file():
        problems.append(f"{path.name}: file is missing")
        return None
    try:
        with path.open(encoding="utf-8") as stream:
            data = yaml.safe_load(stream)
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        problems.append(f"{path.name}: not valid YAML: {' '.join(str(error).split())}")
        return None
    if not isinstance(data, dict):
        problems.append(
            f"{path.name}: must be a list of entries (key: ...), got {_type_name(data)}"
        )
        return None
    return data


def _check_structure(directory: Path, problems: list[str]) -> dict[str, dict[str, Any]]:
    for path in sorted(directory.glob("*.y*ml")):
        if path.name not in _SCHEMA and path.name not in OTHER_FILES:
            problems.append(f"{path.name}: unknown file (expected: {', '.join(_SCHEMA)})")
    raw: dict[str, dict[str, Any]] = {}
    for file, (keys, fields) in _SCHEMA.items():
        data = _read_file(directory / file, problems)
        if data is None:
            continue
        raw[file] = data
        for key in data:
            if key not in keys:
                problems.append(f"{file}: unknown key {key!r} ({_suggest(str(key), keys)})")
        for key in keys:
            if key not in data:
                kind = "category" if key in CATEGORY_KEYS else "entry"
                problems.append(f"{file}: missing {kind} {key!r}")
                continue
            entry = data[key]
            if not isinstance(entry, dict):
                problems.append(
                    f"{file}: {key}: must have fields below it, got {_type_name(entry)}"
                )
                continue
            for name in entry:
                if name not in fields and name != SOURCE_FIELD:
                    problems.append(
                        f"{file}: {key}: unknown field {name!r} ({_suggest(str(name), fields)})"
                    )
            for name, kind_ in fields.items():
                where = f"{file}: {key}.{name}"
                if name not in entry:
                    problems.append(f"{file}: {key}: missing field {name!r}")
                elif kind_ == "keywords":
                    _check_keywords(entry[name], where, problems)
                else:
                    placeholder = _PLACEHOLDERS.get((file, key, name))
                    _check_text(entry[name], where, placeholder, problems)
    return raw


def _text(value: Mapping[str, str]) -> Text:
    return Text(ja=value["ja"].strip(), en=value["en"].strip())


def _keywords(value: Mapping[str, Sequence[str]]) -> Keywords:
    return Keywords(
        ja=tuple(word.strip() for word in value["ja"]),
        en=tuple(word.strip() for word in value["en"]),
    )


def _build(raw: Mapping[str, Mapping[str, Any]]) -> GuidanceLibrary:
    categories = raw["categories.yaml"]
    employee = raw["employee.yaml"]
    desk = raw["desk.yaml"]
    general = raw["general.yaml"]
    return GuidanceLibrary(
        categories=MappingProxyType(
            {
                key: Category(
                    key,
                    _text(categories[key]["label"]),
                    _text(categories[key]["title"]),
                    _keywords(categories[key]["keywords"]),
                )
                for key in CATEGORY_KEYS
            }
        ),
        employee=MappingProxyType(
            {
                key: EmployeeEntry(
                    key, _text(employee[key]["now"]), _text(employee[key]["company"])
                )
                for key in CATEGORY_KEYS
            }
        ),
        desk=MappingProxyType(
            {
                key: DeskEntry(key, _text(desk[key]["facts"]), _text(desk[key]["actions"]))
                for key in (*CATEGORY_KEYS, EVERY_CASE)
            }
        ),
        general=MappingProxyType(
            {
                key: GeneralEntry(
                    key,
                    _text(general[key]["title"]),
                    _keywords(general[key]["keywords"]),
                    _text(general[key]["text"]),
                )
                for key in GENERAL_KEYS
            }
        ),
    )


def _ambiguity_problems(lib: GuidanceLibrary) -> list[str]:
    owners: dict[str, _Term] = {}
    problems: list[str] = []
    for term in _terms_of(lib):
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
        [section("-", accessory=_topic_select("-", category_options(lib, locale)))],
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


def _raw_length_problems(lib: GuidanceLibrary) -> list[str]:
    """Texts that bot.blocks would shorten silently (headings, menu choices), named by file.

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
            check(where, title, MAX_HEADER_TEXT, "header text (a heading)")
            check(where, title, MAX_OPTION_TEXT, "option text (a choice in the topic menu)")
            if topic.kind == "category":
                label = lib.categories[topic.key].label.get(locale)
                check(
                    f"{file}: {topic.key}.label.{locale}",
                    label,
                    MAX_OPTION_TEXT,
                    "option text (a choice on the report form)",
                )
    return problems


def _render_problems(lib: GuidanceLibrary) -> list[str]:
    problems: list[str] = []
    for renders in (_renders, _combined_renders):
        for locale in LOCALES:
            for what, blocks in renders(lib, locale):
                problems += [f"rendered {what} ({locale}): {p}" for p in check_blocks(blocks)]
        # Once a single entry is too long, every combination with it is too; say it once.
        if problems:
            break
    return problems


def _load(directory: Path | None) -> tuple[GuidanceLibrary | None, list[str]]:
    folder = default_directory() if directory is None else Path(directory)
    problems: list[str] = []
    if not folder.is_dir():
        return None, [f"{folder}: not a folder"]
    raw = _check_structure(folder, problems)
    if problems:
        # Rendering needs every entry in place; report the structure first.
        return None, problems
    problems += source_problems(folder)
    lib = _build(raw)
    problems += _ambiguity_problems(lib)
    problems += _raw_length_problems(lib)
    problems += _render_problems(lib)
    return (None if problems else lib), problems


def validate_guidance(directory: Path | None = None) -> list[str]:
    """One human-readable line per problem in the content folder; empty when it is fine."""
    return _load(directory)[1]


def load_guidance(directory: Path | None = None) -> GuidanceLibrary:
    """Load and validate the content (default: the ``guidance`` package).

    Raises GuidanceError listing every problem, so a broken edit stops the app at start-up.
    """
    lib, problems = _load(directory)
    if lib is None:
        raise GuidanceError(problems)
    return lib
