"""Facts in the guidance carry their sources, and the facts the issue named are right."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.guidance import Locale, default_directory, factual_lines, load_guidance, source_problems
from tests.guidance.test_cli import copy_of_content, harassment_desk

LIB = load_guidance()


def _write(folder: Path, file: str, change: Callable[[dict[str, Any]], None]) -> None:
    path = folder / file
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def test_guidance_check_refuses_a_factual_line_without_a_source(tmp_path: Path) -> None:
    folder = copy_of_content(tmp_path)

    def add_hours(data: dict[str, Any]) -> None:
        data["restrictive"]["now"]["ja"] += "• 電話は20分を目安に終える\n"

    _write(folder, "employee.yaml", add_hours)
    result = harassment_desk("guidance", "check", "--dir", str(folder), cwd=tmp_path)
    assert result.returncode == 1
    assert "employee.yaml: restrictive.now.ja line 4: states a number" in result.stderr
    assert "restrictive has no source:" in result.stderr

    def add_source(data: dict[str, Any]) -> None:
        data["restrictive"]["source"] = [
            {"url": "https://intranet.example.com/call-policy", "checked": "2026-12-01"}
        ]

    _write(folder, "employee.yaml", add_source)
    result = harassment_desk("guidance", "check", "--dir", str(folder), cwd=tmp_path)
    assert result.returncode == 0, result.stdout
    assert result.stdout.startswith("guidance OK")


def test_a_source_needs_an_address_and_the_date_it_was_checked(tmp_path: Path) -> None:
    folder = copy_of_content(tmp_path)

    def break_source(data: dict[str, Any]) -> None:
        data["help"]["source"] = [{"url": "kokoro.mhlw.go.jp", "checked": "last week", "by": "x"}]

    _write(folder, "general.yaml", break_source)
    problems = source_problems(folder)
    assert "general.yaml: help.source[0].url: must be a web address" in problems[1]
    assert "general.yaml: help.source[0].checked: must be the date" in problems[2]
    assert "unknown field 'by'" in problems[0]


def test_every_shipped_fact_has_a_dated_source() -> None:
    # The shipped texts pass, and the lines that need a source are the ones we expect.
    folder = default_directory()
    assert source_problems(folder) == []
    raw = yaml.safe_load((folder / "general.yaml").read_text(encoding="utf-8"))
    assert factual_lines(raw["help"], "help") != []
    for source in raw["help"]["source"]:
        assert source["url"].startswith("https://") and source["checked"]


@pytest.mark.parametrize(
    ("locale", "needles"),
    [
        ("ja", ("平日", "通話料は発信者の負担", "一部のIP電話", "17時〜22時", "緊急時の対応は")),
        ("en", ("weekdays", "caller pays", "some IP phones", "17:00 to 22:00", "not an emergency")),
    ],
)
def test_9110_and_kokoro_no_mimi_carry_their_caveats(
    locale: Locale, needles: tuple[str, ...]
) -> None:
    text = LIB.general["help"].text.get(locale)
    for needle in needles:
        assert needle in text


@pytest.mark.parametrize(
    ("query", "topic"),
    [
        ("盗撮", "sexual"),
        ("盗撮された", "sexual"),
        ("隠し撮り", "targeted"),
        ("無断撮影", "targeted"),
    ],
)
def test_covert_filming_is_findable(query: str, topic: str) -> None:
    found = LIB.find_topic(query)
    assert found is not None and found.key == topic


@pytest.mark.parametrize(
    ("locale", "whatever", "validity"),
    [
        ("ja", "要求の内容にかかわらず許されない", "要求の妥当性で判断する"),
        ("en", "Unacceptable whatever the demand", "Judged by whether the demand is valid"),
    ],
)
def test_the_overview_separates_the_two_kinds_of_conduct(
    locale: Locale, whatever: str, validity: str
) -> None:
    text = LIB.general["overview"].text.get(locale)
    assert whatever in text and validity in text
    # It no longer says, in one breath, that validity does not matter and then asks about it.
    assert "妥当かどうかは問いません" not in text
    assert "whether or not the demand itself is valid" not in text
