"""Sources for the facts in the guidance texts: every factual line needs a `source:`.

A line states a fact when it has a number (a phone number, an hour, a date) or legal wording (an
act, an ordinance, a guideline). The entry holding such a line must list where the fact comes from
and when someone checked it, so HR can re-check it when a number or a law changes:

    source:
      - url: https://kokoro.mhlw.go.jp/tel-soudan/
        checked: 2026-12-01
        for: the phone line's hours

Pure: reads the YAML files of one folder and returns one human-readable line per problem.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import yaml

SOURCE_FIELD = "source"
_SOURCE_KEYS = ("url", "checked", "for")
# Field names whose texts are names or search words, not statements of fact.
_NOT_STATEMENTS = frozenset({"keywords", "title", "label", SOURCE_FIELD})
_FACT = re.compile(
    r"\d"  # numbers: phone numbers, hours, dates, article numbers (full-width digits too)
    r"|推進法|法律|条例|指針|告示|施行"
    r"|\b(?:Act|[Ll]aw|[Oo]rdinance|[Gg]uideline|in force)\b"
)
_URL = re.compile(r"^https?://\S+$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _texts(value: object, where: str) -> Iterator[tuple[str, str]]:
    """(where, text) for every `ja:`/`en:` text below `value`."""
    if isinstance(value, Mapping):
        for key, inner in value.items():
            if key in _NOT_STATEMENTS:
                continue
            if key in ("ja", "en") and isinstance(inner, str):
                yield f"{where}.{key}", inner
            else:
                yield from _texts(inner, f"{where}.{key}")
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from _texts(inner, f"{where}[{index}]")


def factual_lines(entry: Mapping[str, Any], where: str) -> list[tuple[str, str]]:
    """(where, line) for each line of the entry's texts that states a number or legal wording."""
    found = []
    for place, text in _texts(entry, where):
        for number, line in enumerate(text.splitlines(), start=1):
            if _FACT.search(line):
                found.append((f"{place} line {number}", line.strip()))
    return found


def _checked_date(value: object) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and _DATE.match(value.strip()):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _source_shape_problems(value: object, where: str) -> list[str]:
    if not isinstance(value, list) or not value:
        return [f"{where}: must be a list of sources, each with url: and checked: (a date)"]
    problems: list[str] = []
    for index, item in enumerate(value):
        at = f"{where}[{index}]"
        if not isinstance(item, Mapping):
            problems.append(f"{at}: must have url: and checked: below it")
            continue
        for name in item:
            if name not in _SOURCE_KEYS:
                problems.append(f"{at}: unknown field {name!r} (expected url, checked, for)")
        url = item.get("url")
        if not isinstance(url, str) or not _URL.match(url.strip()):
            problems.append(f"{at}.url: must be a web address starting with https:// or http://")
        if _checked_date(item.get("checked")) is None:
            problems.append(f"{at}.checked: must be the date it was checked, like 2026-12-01")
    return problems


def _short(line: str, limit: int = 60) -> str:
    return line if len(line) <= limit else line[: limit - 1] + "…"


def entry_source_problems(file: str, key: str, entry: Mapping[str, Any]) -> list[str]:
    """Problems of one entry: a malformed `source:`, or factual lines with no source at all."""
    where = f"{file}: {key}"
    if SOURCE_FIELD in entry:
        return _source_shape_problems(entry[SOURCE_FIELD], f"{where}.{SOURCE_FIELD}")
    return [
        f"{place}: states a number or legal wording ({_short(line)!r}) but {key} has no "
        f"source: (add url: and checked: for where this fact comes from)"
        for place, line in factual_lines(entry, f"{file}: {key}")
    ]


def source_problems(directory: Path) -> list[str]:
    """One line per problem with sources in every YAML file of `directory`."""
    problems: list[str] = []
    for path in sorted(directory.glob("*.yaml")):
        try:
            # libyaml's loader when built in: this runs at every start-up.
            loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
            data = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
        except (yaml.YAMLError, UnicodeDecodeError):
            continue  # the structure check reports unreadable files
        if not isinstance(data, Mapping):
            continue
        for key, entry in data.items():
            if isinstance(entry, Mapping):
                problems += entry_source_problems(path.name, str(key), entry)
    return problems
