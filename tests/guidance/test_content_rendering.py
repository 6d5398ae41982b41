"""Guidance content and its Block Kit rendering."""

from __future__ import annotations

import dataclasses
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot import guidance as g
from bot.guidance import (
    ACTION_PICK_TOPIC,
    BLOCK_HELP,
    BLOCK_IN_DANGER,
    BLOCK_TOPIC_PICKER,
    CATEGORY_KEYS,
    GuidanceError,
    GuidanceLibrary,
    check_blocks,
    desk_guidance_blocks,
    employee_guidance_blocks,
    load_guidance,
    overview_blocks,
    topic_blocks,
    unknown_topic_blocks,
    validate_guidance,
)
from bot.i18n import LOCALES_DIR, normalize_locale

CONTENT = g.default_directory()
LOCALE_FILE = LOCALES_DIR / "guidance.yaml"
HOTLINE = "https://compliance.example.com/report?a=1&b=2"

# Slack's limits, written out here rather than imported so the tests do not trust the code's own.
SLACK_MAX_BLOCKS = 50
SLACK_MAX_SECTION = 3000
SLACK_MAX_HEADER = 150
SLACK_MAX_OPTION = 75
# Cumulative block text past ~12k characters is refused with msg_blocks_too_long.
SLACK_MAX_TOTAL = 12000


@pytest.fixture(scope="module")
def lib() -> GuidanceLibrary:
    return load_guidance()


# ── an independent limit walker ───────────────────────────────────────────────────────────────────


def _texts(blocks: list[dict[str, Any]]) -> Iterator[tuple[str, str, int]]:
    """(kind, text, limit) for every text a message carries."""
    for block in blocks:
        kind = block["type"]
        if kind == "section":
            yield "section", block["text"]["text"], SLACK_MAX_SECTION
            accessory = block.get("accessory")
            if accessory:
                yield "placeholder", accessory["placeholder"]["text"], 150
                for item in accessory["options"]:
                    yield "option", item["text"]["text"], SLACK_MAX_OPTION
        elif kind == "header":
            yield "header", block["text"]["text"], SLACK_MAX_HEADER
        elif kind == "context":
            for element in block["elements"]:
                yield "context", element["text"], SLACK_MAX_SECTION
        else:
            assert kind == "divider", f"unexpected block type {kind}"


def assert_within_slack_limits(blocks: list[dict[str, Any]]) -> None:
    assert 0 < len(blocks) <= SLACK_MAX_BLOCKS
    total = 0
    for kind, text, limit in _texts(blocks):
        assert text.strip(), f"empty {kind} text"
        assert len(text) <= limit, f"{kind} text of {len(text)} chars: {text[:60]!r}"
        total += len(text)
    assert total <= SLACK_MAX_TOTAL
    block_ids = [block["block_id"] for block in blocks if "block_id" in block]
    assert len(block_ids) == len(set(block_ids))
    assert check_blocks(blocks) == []


def all_text(blocks: list[dict[str, Any]]) -> str:
    return "\n".join(text for _, text, _ in _texts(blocks))


# ── shipped content ───────────────────────────────────────────────────────────────────────────────


def test_shipped_content_validates() -> None:
    assert validate_guidance() == []
    assert validate_guidance(CONTENT) == []


def test_library_holds_the_twelve_categories_in_policy_order(lib: GuidanceLibrary) -> None:
    assert tuple(lib.categories) == CATEGORY_KEYS
    assert len(CATEGORY_KEYS) == 12
    assert lib.categories["apology"].label.ja == "謝罪・土下座の要求"
    assert set(lib.employee) == set(CATEGORY_KEYS)
    assert set(lib.desk) == {*CATEGORY_KEYS, "every_case"}
    with pytest.raises(dataclasses.FrozenInstanceError):
        lib.categories = {}  # type: ignore[misc]


def test_overview_covers_the_policy(lib: GuidanceLibrary) -> None:
    ja = all_text(overview_blocks(lib, "ja", None))
    en = all_text(overview_blocks(lib, "en", None))
    for needle in (
        "要求の内容にかかわらず許されない",
        "要求の妥当性で判断する",
        "正当なクレームはカスハラではありません",
        "求職者",
        "110",
        "#9110",
        "こころの耳",
        "産業医",
        "EAP",
        "不利益",
    ):
        assert needle in ja
    for needle in (
        "whatever the demand",
        "legitimate complaint is not",
        "job seekers",
        "110",
        "#9110",
        "こころの耳",
        "EAP",
        "privacy",
    ):
        assert needle in en
    for category in lib.categories.values():
        assert category.title.ja in ja
        assert category.title.en in en


# ── builders stay within Slack's limits ───────────────────────────────────────────────────────────


def every_rendering(lib: GuidanceLibrary, locale: str) -> Iterator[list[dict[str, Any]]]:
    yield overview_blocks(lib, locale, None)
    yield overview_blocks(lib, locale, HOTLINE)
    for topic in lib.topics():
        yield topic_blocks(lib, topic, locale, HOTLINE)
        yield topic_blocks(lib, topic.key, locale, None)
    yield unknown_topic_blocks(lib, "<!channel> " + "ぬ" * 4000, locale)
    for in_danger in (True, False):
        yield employee_guidance_blocks(lib, CATEGORY_KEYS, locale, in_danger)
        yield employee_guidance_blocks(lib, [], locale, in_danger)
    yield desk_guidance_blocks(lib, CATEGORY_KEYS, locale)
    yield desk_guidance_blocks(lib, [], locale)
    for key in CATEGORY_KEYS:
        yield employee_guidance_blocks(lib, [key], locale, True)
        yield desk_guidance_blocks(lib, [key], locale)


@pytest.mark.parametrize("locale", ["ja", "en", "ja-JP", "en-US"])
def test_every_builder_respects_slack_limits(lib: GuidanceLibrary, locale: str) -> None:
    for blocks in every_rendering(lib, locale):
        assert_within_slack_limits(blocks)


def test_report_form_options_fit(lib: GuidanceLibrary) -> None:
    for locale in ("ja", "en"):
        options = g.category_options(lib, locale)
        assert [item["value"] for item in options] == list(CATEGORY_KEYS)
        assert all(len(item["text"]["text"]) <= SLACK_MAX_OPTION for item in options)


def test_topic_picker_offers_every_topic(lib: GuidanceLibrary) -> None:
    picker = overview_blocks(lib, "en", None)[-1]
    assert picker["block_id"] == BLOCK_TOPIC_PICKER
    assert picker["accessory"]["action_id"] == ACTION_PICK_TOPIC
    values = [item["value"] for item in picker["accessory"]["options"]]
    assert values == [topic.key for topic in lib.topics()]
    assert {*CATEGORY_KEYS, "overview", "in_danger", "help", "conduct"} == set(values)


def test_japanese_and_english_differ(lib: GuidanceLibrary) -> None:
    ja = all_text(topic_blocks(lib, "sexual", "ja-JP"))
    en = all_text(topic_blocks(lib, "sexual", "en-GB"))
    assert ja != en
    assert lib.employee["sexual"].now.ja in ja
    assert lib.employee["sexual"].now.en in en


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("ja", "ja"),
        ("ja-JP", "ja"),
        ("JA_jp", "ja"),
        ("en", "en"),
        ("en-US", "en"),
        ("fr-FR", "en"),
    ],
)
def test_locale_normalisation(given: str, expected: str) -> None:
    assert normalize_locale(given, "en") == expected


def test_missing_locale_falls_back_to_english() -> None:
    assert normalize_locale(None, "en") == "en"
    assert normalize_locale("", "en") == "en"


# ── conduct and the hotline ───────────────────────────────────────────────────────────────────────


def test_conduct_links_the_hotline_when_set(lib: GuidanceLibrary) -> None:
    text = all_text(topic_blocks(lib, "conduct", "en", "https://x.example/a?b=1&c=2|d"))
    assert "<https://x.example/a?b=1&amp;c=2%7Cd|" in text
    assert "{hotline}" not in text


@pytest.mark.parametrize("url", [None, "", "   "])
def test_conduct_says_ask_hr_without_hotline(lib: GuidanceLibrary, url: str | None) -> None:
    en = all_text(topic_blocks(lib, "conduct", "en", url))
    ja = all_text(topic_blocks(lib, "conduct", "ja", url))
    assert "ask HR" in en and "<" not in en
    assert "人事部" in ja


# ── topic lookup ──────────────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("physical", "physical"),  # key
        ("Excessive-Service", "excessive_service"),  # key, other separators and case
        ("暴力", "physical"),  # Japanese keyword
        ("土下座", "apology"),
        ("VIOLENCE", "physical"),  # English keyword, any case
        ("kneel", "apology"),
        ("ＳＮＳ", "targeted"),  # full-width
        ("ｋｎｅｅｌ", "apology"),
        ("　土下座　", "apology"),  # ideographic spaces around
        ("土 下 座", "apology"),
        ("性的な言動", "sexual"),  # Japanese title
        ("Sexual remarks or behaviour", "sexual"),  # English title
        ("謝罪・土下座の要求", "apology"),  # label
        ("#9110", "help"),
        ("１１０", "in_danger"),
        ("土下座を要求された", "apology"),  # keyword inside a sentence
        ("snsに書かれた", "targeted"),
        ("he hit me", "physical"),
        ("内部通報", "conduct"),
    ],
)
def test_find_topic(lib: GuidanceLibrary, query: str, expected: str) -> None:
    topic = lib.find_topic(query)
    assert topic is not None
    assert topic.key == expected


@pytest.mark.parametrize("query", ["", "   ", "xyzzy", "white", "暴行 脅迫"])
def test_find_topic_none(lib: GuidanceLibrary, query: str) -> None:
    # "white" contains "hit" but is not about hitting; two topics at once is not a guess we make.
    assert lib.find_topic(query) is None


def test_every_title_key_and_keyword_leads_to_its_topic(lib: GuidanceLibrary) -> None:
    for topic in lib.topics():
        names = [topic.key, topic.title.ja, topic.title.en, *topic.keywords.all()]
        for name in names:
            found = lib.find_topic(name)
            assert found is not None and found.key == topic.key, name


def test_unknown_topic_lists_the_topics(lib: GuidanceLibrary) -> None:
    for locale in ("ja", "en"):
        blocks = unknown_topic_blocks(lib, "foo", locale)
        text = all_text(blocks)
        assert "foo" in text
        for topic in lib.topics():
            assert topic.title.get(normalize_locale(locale, "en")) in text
            assert f"`{topic.key}`" in text
        assert blocks[-1]["accessory"]["action_id"] == ACTION_PICK_TOPIC


def test_unknown_topic_escapes_and_truncates_the_query(lib: GuidanceLibrary) -> None:
    blocks = unknown_topic_blocks(lib, "<!channel> & <@U123> " + "x" * 1000, "en")
    first = blocks[0]["text"]["text"]
    assert "<!channel>" not in first and "<@U123>" not in first
    assert "&lt;!channel&gt; &amp; &lt;@U123&gt;" in first
    assert len(first) < 300


# ── reporter and desk guidance ────────────────────────────────────────────────────────────────────


def test_in_danger_comes_first(lib: GuidanceLibrary) -> None:
    blocks = employee_guidance_blocks(lib, ["sexual", "physical"], "ja", in_danger=True)
    assert blocks[0]["block_id"] == BLOCK_IN_DANGER
    assert "110" in blocks[0]["text"]["text"]
    assert lib.general["in_danger"].text.ja in blocks[0]["text"]["text"]
    assert blocks[-1]["block_id"] == BLOCK_HELP


def test_no_danger_block_unless_in_danger(lib: GuidanceLibrary) -> None:
    blocks = employee_guidance_blocks(lib, ["sexual"], "en", in_danger=False)
    assert all(block.get("block_id") != BLOCK_IN_DANGER for block in blocks)
    assert blocks[-1]["block_id"] == BLOCK_HELP


def test_employee_guidance_one_entry_per_category_in_policy_order(lib: GuidanceLibrary) -> None:
    blocks = employee_guidance_blocks(lib, ["sexual", "physical", "sexual"], "en")
    text = all_text(blocks)
    assert text.count(lib.employee["sexual"].now.en) == 1
    assert text.index(lib.employee["physical"].now.en) < text.index(lib.employee["sexual"].now.en)
    assert lib.employee["mental"].now.en not in text


def test_desk_guidance_per_category(lib: GuidanceLibrary) -> None:
    blocks = desk_guidance_blocks(lib, ["targeted", "compensation"], "ja")
    text = all_text(blocks)
    for key in ("targeted", "compensation"):
        assert lib.categories[key].label.ja in text
        assert lib.desk[key].actions.ja in text
    assert "事実確認" in text
    assert lib.desk["physical"].actions.ja not in text
    assert lib.desk["every_case"].facts.ja in blocks[-1]["text"]["text"]


def test_desk_entries_name_the_deterrence_options(lib: GuidanceLibrary) -> None:
    ja = "\n".join(e.actions.ja for e in lib.desk.values())
    en = "\n".join(e.actions.en for e in lib.desk.values()).lower()
    for needle in ("警告", "取引の中止", "警察", "弁護士", "出入禁止", "再発防止"):
        assert needle in ja
    for needle in (
        "warn",
        "end service",
        "police",
        "lawyer",
        "ban from the premises",
        "recurrence",
    ):
        assert needle in en


@pytest.mark.parametrize("builder", [employee_guidance_blocks, desk_guidance_blocks])
def test_unknown_category_is_refused(lib: GuidanceLibrary, builder: Callable[..., Any]) -> None:
    with pytest.raises(ValueError, match="unknown category"):
        builder(lib, ["physical", "nonsense"], "en")


# ── UI strings ────────────────────────────────────────────────────────────────────────────────────


def test_locale_catalogue_is_complete() -> None:
    catalogue = yaml.safe_load(LOCALE_FILE.read_text(encoding="utf-8"))
    placeholder = re.compile(r"\{(\w+)\}")
    for key, entry in catalogue.items():
        assert key.startswith("guidance."), key
        assert set(entry) == {"ja", "en"}, key
        assert entry["ja"].strip() and entry["en"].strip(), key
        assert set(placeholder.findall(entry["ja"])) == set(placeholder.findall(entry["en"])), key


# ── check_blocks itself ───────────────────────────────────────────────────────────────────────────


def _plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text}


def _section(text: str, **extra: Any) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}, **extra}


def test_check_blocks_reports_each_limit() -> None:
    # Raw dicts: bot.slack.blocks' header() and option() would shorten the text before the check.
    assert any("51 blocks" in p for p in check_blocks([{"type": "divider"}] * 51))
    assert any("3000" in p for p in check_blocks([_section("x" * 3001)]))
    assert any("150" in p for p in check_blocks([{"type": "header", "text": _plain("x" * 151)}]))
    picker = {
        "type": "static_select",
        "action_id": "a",
        "placeholder": _plain("pick"),
        "options": [{"text": _plain("x" * 76), "value": "v"}],
    }
    assert any("option text" in p for p in check_blocks([_section("s", accessory=picker)]))
    twice = [_section("a", block_id="same"), _section("b", block_id="same")]
    assert any("twice" in p for p in check_blocks(twice))
    many = [_section("x" * 2900) for _ in range(5)]
    assert any("12000" in p for p in check_blocks(many))


# ── validation of broken content ──────────────────────────────────────────────────────────────────


def broken_copy(tmp_path: Path, file: str, mutate: Callable[[dict[str, Any]], None]) -> Path:
    folder = tmp_path / "guidance"
    shutil.copytree(CONTENT, folder, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    data = yaml.safe_load((folder / file).read_text(encoding="utf-8"))
    mutate(data)
    (folder / file).write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return folder


def assert_reported(folder: Path, *needles: str) -> list[str]:
    problems = validate_guidance(folder)
    matching = [p for p in problems if all(n in p for n in needles)]
    assert matching, f"no problem mentions {needles}; got {problems}"
    with pytest.raises(GuidanceError) as raised:
        load_guidance(folder)
    assert matching[0] in raised.value.problems
    assert matching[0] in str(raised.value)
    return problems


def test_unchanged_copy_validates(tmp_path: Path) -> None:
    folder = broken_copy(tmp_path, "employee.yaml", lambda data: None)
    assert validate_guidance(folder) == []


def test_missing_japanese(tmp_path: Path) -> None:
    folder = broken_copy(tmp_path, "employee.yaml", lambda d: d["physical"]["now"].pop("ja"))
    assert_reported(folder, "employee.yaml", "physical.now", "missing ja")


def test_missing_japanese_keywords(tmp_path: Path) -> None:
    folder = broken_copy(tmp_path, "categories.yaml", lambda d: d["mental"]["keywords"].pop("ja"))
    assert_reported(folder, "categories.yaml", "mental.keywords", "missing ja")


def test_missing_category(tmp_path: Path) -> None:
    folder = broken_copy(tmp_path, "desk.yaml", lambda d: d.pop("sexual"))
    assert_reported(folder, "desk.yaml", "missing category 'sexual'")


def test_missing_general_entry(tmp_path: Path) -> None:
    folder = broken_copy(tmp_path, "general.yaml", lambda d: d.pop("conduct"))
    assert_reported(folder, "general.yaml", "missing entry 'conduct'")


def test_unknown_key(tmp_path: Path) -> None:
    def add(data: dict[str, Any]) -> None:
        data["sexuall"] = data["sexual"]

    folder = broken_copy(tmp_path, "employee.yaml", add)
    assert_reported(folder, "employee.yaml", "unknown key 'sexuall'", "did you mean 'sexual'")


def test_unknown_field(tmp_path: Path) -> None:
    def add(data: dict[str, Any]) -> None:
        data["apology"]["fact"] = {"ja": "x", "en": "x"}

    folder = broken_copy(tmp_path, "desk.yaml", add)
    assert_reported(folder, "desk.yaml", "apology", "unknown field 'fact'")


def test_unknown_language(tmp_path: Path) -> None:
    def add(data: dict[str, Any]) -> None:
        data["overview"]["title"]["fr"] = "Bases"

    folder = broken_copy(tmp_path, "general.yaml", add)
    assert_reported(folder, "overview.title", "unknown language 'fr'")


def test_empty_text(tmp_path: Path) -> None:
    def empty(data: dict[str, Any]) -> None:
        data["targeted"]["company"]["en"] = "   "

    folder = broken_copy(tmp_path, "employee.yaml", empty)
    assert_reported(folder, "targeted.company.en", "empty")


def test_keyword_that_is_not_text(tmp_path: Path) -> None:
    def add(data: dict[str, Any]) -> None:
        data["physical"]["keywords"]["en"].append(True)  # what an unquoted `yes` becomes

    folder = broken_copy(tmp_path, "categories.yaml", add)
    assert_reported(folder, "physical.keywords.en", "must be text")


def test_keyword_leading_to_two_topics(tmp_path: Path) -> None:
    def add(data: dict[str, Any]) -> None:
        data["mental"]["keywords"]["ja"].append("暴力")

    folder = broken_copy(tmp_path, "categories.yaml", add)
    assert_reported(folder, "暴力", "one topic only")


def test_text_too_long_once_rendered(tmp_path: Path) -> None:
    def lengthen(data: dict[str, Any]) -> None:
        data["physical"]["now"]["en"] = "• stay safe. " * 240  # about 3100 characters

    folder = broken_copy(tmp_path, "employee.yaml", lengthen)
    assert_reported(folder, "rendered", "(en)", "section text", "3000")


def test_many_entries_too_long_together(tmp_path: Path) -> None:
    def lengthen(data: dict[str, Any]) -> None:
        for key in CATEGORY_KEYS:
            data[key]["actions"]["ja"] = "あ" * 1400

    folder = broken_copy(tmp_path, "desk.yaml", lengthen)
    assert_reported(folder, "desk guidance for all twelve (ja)", "characters of text")


def test_title_too_long_for_header_and_menu(tmp_path: Path) -> None:
    def lengthen(data: dict[str, Any]) -> None:
        data["sexual"]["title"]["en"] = "Sexual remarks " * 11  # 165 characters

    folder = broken_copy(tmp_path, "categories.yaml", lengthen)
    problems = assert_reported(folder, "header text", "150")
    assert any("option text" in p and "75" in p for p in problems)


def test_label_too_long_for_the_report_form(tmp_path: Path) -> None:
    def lengthen(data: dict[str, Any]) -> None:
        data["targeted"]["label"]["en"] = (
            "Abuse or demands aimed at an individual employee (incl. posts on social media)"
        )

    folder = broken_copy(tmp_path, "categories.yaml", lengthen)
    assert_reported(
        folder, "categories.yaml: targeted.label.en", "78 characters", "75", "report form"
    )


def test_placeholders(tmp_path: Path) -> None:
    def edit(data: dict[str, Any]) -> None:
        data["conduct"]["text"]["en"] = "Please use the hotline."
        data["help"]["text"]["ja"] += "{name}"

    folder = broken_copy(tmp_path, "general.yaml", edit)
    problems = assert_reported(folder, "conduct.text.en", "missing placeholder {hotline}")
    assert any("help.text.ja" in p and "unknown placeholder {name}" in p for p in problems)


def test_broken_yaml_and_files(tmp_path: Path) -> None:
    folder = broken_copy(tmp_path, "employee.yaml", lambda data: None)
    (folder / "desk.yaml").write_text("physical: [unclosed\n", encoding="utf-8")
    (folder / "general.yaml").unlink()
    (folder / "extra.yaml").write_text("a: 1\n", encoding="utf-8")
    problems = validate_guidance(folder)
    assert any(p.startswith("desk.yaml: not valid YAML") for p in problems)
    assert "general.yaml: file is missing" in problems
    assert any(p.startswith("extra.yaml: unknown file") for p in problems)
