"""Every user-facing string, in Japanese and English, from the catalogues in `bot/locales/`.

Each catalogue is YAML: `key: {en: "...", ja: "..."}` with `str.format` placeholders. Catalogues
are split by feature so features do not step on each other; keys must be unique across files.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Literal

import yaml

LOCALES_DIR = Path(__file__).parent / "locales"
SUPPORTED = ("ja", "en")
Locale = Literal["ja", "en"]


def normalize_locale(raw: str | None, default: str = "ja") -> Locale:
    """Slack locales look like `ja-JP` or `en-US`; anything not Japanese is served in English.
    `default` (`ja` or `en`) is for no locale at all."""
    if not raw:
        return "ja" if default == "ja" else "en"
    return "ja" if raw.lower().startswith("ja") else "en"


class CatalogueError(Exception):
    pass


def load_catalogue(directory: Path = LOCALES_DIR) -> Mapping[str, Mapping[str, str]]:
    entries: dict[str, dict[str, str]] = {}
    problems: list[str] = []
    for path in sorted(directory.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for key, texts in data.items():
            if key in entries:
                problems.append(f"{path.name}: key {key!r} is defined twice")
            if not isinstance(texts, dict) or any(
                not isinstance(texts.get(lang), str) or not texts.get(lang) for lang in SUPPORTED
            ):
                problems.append(f"{path.name}: {key!r} needs non-empty 'ja' and 'en' texts")
                continue
            entries[key] = {lang: texts[lang] for lang in SUPPORTED}
    if problems:
        raise CatalogueError("; ".join(problems))
    return MappingProxyType({key: MappingProxyType(texts) for key, texts in entries.items()})


# Read once, when the app (or a test) first imports this module, and never changed after: a
# broken catalogue stops the app at start instead of failing the first message that needs it.
CATALOGUE: Mapping[str, Mapping[str, str]] = load_catalogue()


def t(key: str, locale: str, **params: object) -> str:
    """The text for `key` in `locale` (`ja`/`en` or a Slack locale such as `ja-JP`)."""
    text = CATALOGUE[key][normalize_locale(locale)]
    return text.format(**params) if params else text


def has_key(key: str) -> bool:
    return key in CATALOGUE
