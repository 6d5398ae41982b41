"""The glossary (`bot/locales/glossary.yaml`) and the check that every text keeps to it.

Each glossary entry may list words to `avoid` per language (regular expressions). The check reads
every catalogue in `bot/locales/` and every text in a guidance folder and reports each text that
contains an avoided word, naming the file, the key and the glossary entry. Pure: files in, lines
out.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.i18n import LOCALES_DIR, SUPPORTED

GLOSSARY_FILE = "glossary.yaml"
GLOSSARY_PREFIX = "glossary."


@dataclass(frozen=True)
class Rule:
    entry: str
    language: str
    pattern: re.Pattern[str]
    use: str


def load_rules(directory: Path = LOCALES_DIR) -> list[Rule]:
    data = yaml.safe_load((directory / GLOSSARY_FILE).read_text(encoding="utf-8")) or {}
    rules = []
    for key, entry in data.items():
        for language, patterns in (entry.get("avoid") or {}).items():
            for raw in patterns:
                rules.append(Rule(key, language, re.compile(raw), entry[language]))
    return rules


def _yaml_texts(value: object, where: str) -> Iterator[tuple[str, str, str]]:
    """(where, language, text) for every ja/en text below `value`; sources and keywords skipped."""
    if isinstance(value, Mapping):
        for key, inner in value.items():
            if key in ("source", "keywords"):
                continue
            if key in SUPPORTED and isinstance(inner, str):
                yield where, key, inner
            else:
                yield from _yaml_texts(inner, f"{where}.{key}")


def texts_of(folder: Path) -> Iterator[tuple[str, str, str]]:
    """(file: key, language, text) of every YAML file in `folder`, except the glossary itself."""
    for path in sorted(folder.glob("*.yaml")):
        if path.name == GLOSSARY_FILE:
            continue
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for key, value in data.items():
            if not str(key).startswith(GLOSSARY_PREFIX):
                yield from _yaml_texts(value, f"{path.name}: {key}")


def glossary_problems(folders: list[Path], rules: list[Rule] | None = None) -> list[str]:
    """One line per text that uses a word the glossary says to avoid."""
    active = load_rules() if rules is None else rules
    problems = []
    for folder in folders:
        for where, language, text in texts_of(folder):
            for rule in active:
                if rule.language != language:
                    continue
                found = rule.pattern.search(text)
                if found:
                    problems.append(
                        f"{where} ({language}): {found.group(0)!r} goes against {rule.entry} "
                        f"(use: {rule.use})"
                    )
    return problems
