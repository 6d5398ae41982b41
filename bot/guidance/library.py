"""Guidance content as data: the library of categories, employee/desk entries and general topics,
and finding the topic a person means.

The content is plain YAML in the ``guidance`` package so HR can edit it (each file's header says
how); ``bot.guidance.loading`` reads and validates it, ``bot.guidance.messages`` renders it. All of
it stays pure (no Slack calls, no environment) so the same functions serve the listeners, the
outbox worker and the offline check ``harassment-desk guidance check``.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from bot.i18n import Locale, normalize_locale

if TYPE_CHECKING:
    from bot.slack.blocks import Block

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
GENERAL_KEYS: tuple[str, ...] = ("overview", "in_danger", "help", "conduct", "police_flow")
EVERY_CASE = "every_case"


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
        return category.label.get(normalize_locale(locale, "en")) if category else key

    def category_choices(self, locale: str) -> list[tuple[str, str]]:
        return [(key, self.category_label(key, locale)) for key in CATEGORY_KEYS]

    def employee_blocks(self, categories: Sequence[str], locale: str) -> list[Block]:
        """Guidance for the reporter's confirmation DM, which states the in-danger steps itself."""
        from bot.guidance.messages import employee_guidance_blocks

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
        return tuple(terms_of(self))

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


def terms_of(lib: GuidanceLibrary) -> Iterator[_Term]:
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
