"""Reading the guidance content from its YAML files and checking it: structure, placeholders,
ambiguous keywords, and that every rendering fits Slack's limits. A broken edit stops the app at
start-up and `harassment-desk guidance check` lists every problem at once.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

import yaml

import guidance as _guidance_package
from bot.guidance.checks import ambiguity_problems, raw_length_problems, render_problems
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
)
from bot.guidance.sources import SOURCE_FIELD, source_problems

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
    problems += ambiguity_problems(lib)
    problems += raw_length_problems(lib)
    problems += render_problems(lib)
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
