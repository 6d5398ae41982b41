"""Every catalogue and guidance text keeps to the glossary (bot/locales/glossary.yaml)."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.glossary import glossary_problems, load_rules
from bot.guidance import default_directory
from bot.i18n import LOCALES_DIR, load_catalogue

# Wording the glossary was written against (from the catalogues before it existed): each line must
# be caught, so the check really bites.
OLD_WORDING = {
    "demo.danger_title": {"en": "First, your safety", "ja": "まず、あなたの安全を"},
    "demo.urgent": {"en": "in danger", "ja": "緊急の報告: 報告者に今、身の危険があります"},
    "demo.thanks": {"en": "Thank you.", "ja": "報告ありがとうございます。"},
    "demo.status": {"en": "Escalated", "ja": "エスカレーション中"},
    "demo.next": {
        "en": "someone will acknowledge it, normally within 30 minutes",
        "ja": "窓口の担当者が通常30分以内に確認し、お知らせします。",
    },
    "demo.hint": {
        "en": "Write it once; nobody will ask you to tell it again.",
        "ja": "一度書けば、同じ話を繰り返し聞かれることはありません。",
    },
    "demo.leads": {
        "en": "No desk leads are configured (DESK_LEADS).",
        "ja": "窓口責任者(DESK_LEADS)が設定されていないため",
    },
    "demo.customer": {"en": "Corporate client", "ja": "取引先企業"},
}


def test_every_catalogue_and_guidance_text_keeps_to_the_glossary() -> None:
    assert glossary_problems([LOCALES_DIR, default_directory()]) == []


def test_the_check_catches_the_old_wording(tmp_path: Path) -> None:
    (tmp_path / "old.yaml").write_text(
        yaml.safe_dump(OLD_WORDING, allow_unicode=True), encoding="utf-8"
    )
    problems = glossary_problems([tmp_path])
    for key in OLD_WORDING:
        assert any(f"old.yaml: {key} " in line for line in problems), key
    named = " ".join(problems)
    for entry in (
        "glossary.rule.you",
        "glossary.reporter",
        "glossary.report",
        "glossary.escalated",
        "glossary.rule.time_promise",
        "glossary.rule.repeat_promise",
        "glossary.rule.settings",
        "glossary.corporate_client",
    ):
        assert entry in named, entry


def test_the_glossary_is_a_catalogue_too() -> None:
    catalogue = load_catalogue()
    assert catalogue["glossary.reporter"] == {"ja": "相談者", "en": "the reporter"}
    assert catalogue["glossary.desk"]["ja"] == "相談窓口"
    assert {rule.entry for rule in load_rules()} >= {"glossary.reporter", "glossary.rule.you"}
