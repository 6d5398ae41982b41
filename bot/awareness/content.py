"""`guidance/awareness.yaml`: the welcome DM and the posts in rotation, loaded and checked.

Same rules as the other guidance files (every text in ja and en, placeholders the app fills, facts
with sources); a broken file stops the app at start-up and fails `harassment-desk guidance check`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.awareness import ids
from bot.guidance import (
    SOURCE_FIELD,
    GuidanceError,
    GuidanceLibrary,
    Text,
    check_blocks,
    default_directory,
)

FILE = "awareness.yaml"
_FIELDS = ("title", "text", SOURCE_FIELD)
_KEY = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
_PLACEHOLDER = re.compile(r"\{([^{}\s]*)\}")
PLACEHOLDERS = ("categories", "hotline")
_SAMPLE_HOTLINE_URL = "https://compliance.example.com/hotline?" + "x" * 170


@dataclass(frozen=True)
class AwarenessItem:
    key: str
    title: Text
    text: Text


@dataclass(frozen=True)
class AwarenessContent:
    welcome: AwarenessItem
    items: tuple[AwarenessItem, ...]  # the posts, in rotation order

    def item(self, key: str) -> AwarenessItem | None:
        return next((item for item in self.items if item.key == key), None)


def _text(value: object, where: str, problems: list[str]) -> Text | None:
    if not isinstance(value, Mapping):
        problems.append(f"{where}: must have ja: and en: lines below it")
        return None
    texts: dict[str, str] = {}
    for language in ("ja", "en"):
        raw = value.get(language)
        if not isinstance(raw, str) or not raw.strip():
            problems.append(f"{where}.{language}: missing or empty text")
            continue
        for name in _PLACEHOLDER.findall(raw):
            if name not in PLACEHOLDERS:
                problems.append(
                    f"{where}.{language}: unknown placeholder {{{name}}} "
                    f"(allowed: {{categories}}, {{hotline}})"
                )
        texts[language] = raw.strip()
    for language in value:
        if language not in ("ja", "en"):
            problems.append(f"{where}: unknown language {language!r} (expected ja and en)")
    if len(texts) != 2:
        return None
    return Text(ja=texts["ja"], en=texts["en"])


def _parse(data: object, problems: list[str]) -> AwarenessContent | None:
    if not isinstance(data, Mapping):
        problems.append(f"{FILE}: must be a list of entries (key: ...)")
        return None
    parsed: list[AwarenessItem] = []
    for key, entry in data.items():
        where = f"{FILE}: {key}"
        if not isinstance(key, str) or not _KEY.match(key):
            problems.append(f"{where}: keys are lowercase words joined by _ (e.g. what_to_do)")
            continue
        if not isinstance(entry, Mapping):
            problems.append(f"{where}: must have title: and text: below it")
            continue
        for name in entry:
            if name not in _FIELDS:
                problems.append(f"{where}: unknown field {name!r} (expected title, text, source)")
        title = _text(entry.get("title"), f"{where}.title", problems)
        text = _text(entry.get("text"), f"{where}.text", problems)
        if title and text:
            parsed.append(AwarenessItem(key, title, text))
    welcome = next((item for item in parsed if item.key == ids.WELCOME_KEY), None)
    items = tuple(item for item in parsed if item.key != ids.WELCOME_KEY)
    if ids.WELCOME_KEY not in data:
        problems.append(f"{FILE}: missing entry 'welcome' (the new member's DM)")
    if not any(key != ids.WELCOME_KEY for key in data):
        problems.append(f"{FILE}: needs at least one post besides 'welcome'")
    if problems or welcome is None:
        return None
    return AwarenessContent(welcome=welcome, items=items)


def _render_problems(content: AwarenessContent, lib: GuidanceLibrary) -> list[str]:
    from bot.awareness.messages import post_message, welcome_message

    problems: list[str] = []
    for url in (None, _SAMPLE_HOTLINE_URL):
        renders: list[tuple[str, Any]] = [("welcome", welcome_message(content, lib, url))]
        renders += [
            (item.key, post_message(item, lib, url, post_id=10**9)) for item in content.items
        ]
        for what, message in renders:
            problems += [f"{FILE}: rendered {what}: {p}" for p in check_blocks(message.blocks)]
    return sorted(set(problems))


def awareness_problems(directory: Path | None, lib: GuidanceLibrary) -> list[str]:
    """One line per problem in the folder's awareness.yaml; empty when it is fine."""
    return _load(directory, lib)[1]


def _load(
    directory: Path | None, lib: GuidanceLibrary
) -> tuple[AwarenessContent | None, list[str]]:
    path = (default_directory() if directory is None else Path(directory)) / FILE
    if not path.is_file():
        return None, [f"{FILE}: file is missing"]
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        return None, [f"{FILE}: not valid YAML: {' '.join(str(error).split())}"]
    problems: list[str] = []
    content = _parse(data, problems)
    if content is None:
        return None, problems
    problems += _render_problems(content, lib)
    return (None if problems else content), problems


def load_awareness(directory: Path | None, lib: GuidanceLibrary) -> AwarenessContent:
    """The awareness content, or GuidanceError listing every problem (the app does not start)."""
    content, problems = _load(directory, lib)
    if content is None:
        raise GuidanceError(problems)
    return content
