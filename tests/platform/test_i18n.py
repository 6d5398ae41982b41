"""Every user-facing string exists in Japanese and English."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from bot.i18n import CatalogueError, load_catalogue, normalize_locale
from tests.harness import PROJECT_ROOT

# t("key", ...) and UserFacingError("key", ...) with a literal key; f-string keys are built
# from fixed lists (categories, statuses, fields) and are covered by the flow tests.
LITERAL_KEY = re.compile(r"""\b(?:t|UserFacingError)\(\s*["']([a-z_]+(?:\.[a-z0-9_]+)+)["']""")


def test_every_literal_key_in_the_code_is_in_the_catalogue() -> None:
    catalogue = load_catalogue()
    used: set[str] = set()
    for folder in ("bot", "handlers"):
        for path in (PROJECT_ROOT / folder).rglob("*.py"):
            used.update(LITERAL_KEY.findall(path.read_text(encoding="utf-8")))
    assert len(used) > 50  # the scan really found the code's keys
    missing = sorted(key for key in used if key not in catalogue)
    assert missing == []


def test_every_entry_has_both_languages() -> None:
    for key, texts in load_catalogue().items():
        assert texts["ja"].strip() and texts["en"].strip(), key


def test_a_missing_language_is_refused_at_load(tmp_path: Path) -> None:
    (tmp_path / "broken.yaml").write_text(
        yaml.safe_dump({"demo.greeting": {"en": "Hello"}}), encoding="utf-8"
    )
    with pytest.raises(CatalogueError, match=r"demo\.greeting"):
        load_catalogue(tmp_path)


def test_slack_locales_pick_the_language() -> None:
    assert normalize_locale("ja-JP") == "ja"
    assert normalize_locale("en-US") == "en"
    assert normalize_locale("fr-FR") == "en"
    assert normalize_locale(None, "ja") == "ja"
