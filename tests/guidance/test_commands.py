"""`/harassment policy [topic]`, the topic menu and `/harassment help`, over signed requests."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.guidance import ACTION_PICK_TOPIC, Locale, default_directory, load_guidance
from bot.report.ids import OPEN_REPORT_ACTION
from bot.sos.ids import OPEN_ACTION as SOS_ACTION
from bot.standin import SlackStandIn
from tests.harness import DESK_CHANNEL, REPORTER_EN, REPORTER_JA, AppHarness

LIB = load_guidance()
CHANNEL = "C0GENERAL1"


def command(app: AppHarness, text: str, user_id: str) -> dict[str, Any]:
    """Run `/harassment <text>` and return the ack body, which must be a private answer."""
    response = app.sender.command("/harassment", text, user_id=user_id, channel_id=CHANNEL)
    assert response.status == 200, response.text
    answer = response.json()
    assert answer["response_type"] == "ephemeral"
    assert answer["text"].strip()
    return dict(answer)


def text_of(blocks: Any) -> str:
    """Every text a person would read in these blocks, one per line."""
    if isinstance(blocks, dict):
        own = [blocks["text"]] if isinstance(blocks.get("text"), str) else []
        return "\n".join(own + [text_of(v) for v in blocks.values() if not isinstance(v, str)])
    if isinstance(blocks, list):
        return "\n".join(text_of(item) for item in blocks)
    return ""


def picker_of(blocks: list[dict[str, Any]]) -> dict[str, Any]:
    pickers = [b for b in blocks if b.get("accessory", {}).get("action_id") == ACTION_PICK_TOPIC]
    assert len(pickers) == 1
    return dict(pickers[0]["accessory"])


def assert_nothing_public(slack: SlackStandIn) -> None:
    # Looking up guidance must not show in any channel.
    assert slack.calls_to("chat.postMessage") == []
    assert slack.messages(CHANNEL) == []


@pytest.mark.parametrize(
    ("user", "locale", "absent"), [(REPORTER_JA, "ja", "en"), (REPORTER_EN, "en", "ja")]
)
def test_policy_shows_the_overview_privately_in_the_users_language(
    app: AppHarness, user: str, locale: Locale, absent: Locale
) -> None:
    answer = command(app, "policy", user)
    blocks = answer["blocks"]
    overview = LIB.general["overview"]
    assert blocks[0]["type"] == "header"
    assert blocks[0]["text"]["text"] == overview.title.get(locale)
    text = text_of(blocks)
    assert overview.title.get(absent) not in text
    for category in LIB.categories.values():
        assert category.title.get(locale) in text
    assert "110" in text and "#9110" in text and "こころの耳" in text
    options = [item["value"] for item in picker_of(blocks)["options"]]
    assert options == [topic.key for topic in LIB.topics()]
    assert_nothing_public(app.slack)


@pytest.mark.parametrize(
    ("user", "query", "key", "locale"),
    [
        (REPORTER_JA, "土下座", "apology", "ja"),
        (REPORTER_EN, "kneeling", "apology", "en"),
        (REPORTER_JA, "physical", "physical", "ja"),  # a category key, in a Japanese session
        (REPORTER_EN, "Excessive service", "excessive_service", "en"),
        (REPORTER_EN, "ＳＮＳ", "targeted", "en"),  # Japanese keyboard input, English reader
        (REPORTER_JA, "110", "in_danger", "ja"),
        (REPORTER_EN, "#9110", "help", "en"),
    ],
)
def test_policy_topic_matches_keys_and_words_in_either_language(
    app: AppHarness, user: str, query: str, key: str, locale: Locale
) -> None:
    blocks = command(app, f"policy {query}", user)["blocks"]
    topic = LIB.topic(key)
    assert blocks[0]["text"]["text"] == topic.title.get(locale)
    if key in LIB.employee:
        assert LIB.employee[key].now.get(locale).strip() in text_of(blocks)
    picker_of(blocks)  # the menu stays, so the person can read on


@pytest.mark.parametrize(
    ("user", "locale", "sorry"),
    [(REPORTER_JA, "ja", "見つかりませんでした"), (REPORTER_EN, "en", "I have no guidance on")],
)
def test_unknown_topic_lists_the_topics(
    app: AppHarness, user: str, locale: Locale, sorry: str
) -> None:
    blocks = command(app, "policy <!channel> xyzzy", user)["blocks"]
    text = text_of(blocks)
    assert sorry in text
    assert "&lt;!channel&gt; xyzzy" in text and "<!channel>" not in text
    for topic in LIB.topics():
        assert topic.title.get(locale) in text
        assert f"`{topic.key}`" in text
    picker_of(blocks)


@pytest.mark.parametrize(("user", "locale"), [(REPORTER_JA, "ja"), (REPORTER_EN, "en")])
def test_picking_a_topic_replaces_the_private_answer(
    app: AppHarness, user: str, locale: Locale
) -> None:
    answer = command(app, "policy", user)
    message = {"type": "message", "ts": "1700000000.000200", "blocks": answer["blocks"]}
    payload = app.sender.block_actions(
        ACTION_PICK_TOPIC,
        value="sexual",
        user_id=user,
        channel_id=CHANNEL,
        message=message,
        is_ephemeral=True,
    )
    response_url = payload["response_url"]
    assert app.sender.interaction(payload).status == 200
    calls = app.slack.wait_for(
        lambda: [c for c in app.slack.calls_to("response_url") if c.args["url"] == response_url]
    )
    posted = calls[0].args
    assert posted["replace_original"] is True
    assert posted["response_type"] == "ephemeral"
    assert posted["blocks"][0]["text"]["text"] == LIB.topic("sexual").title.get(locale)
    assert LIB.employee["sexual"].now.get(locale).strip() in text_of(posted["blocks"])
    picker_of(posted["blocks"])
    assert calls[0].status == 200  # the stand-in accepted the blocks
    assert_nothing_public(app.slack)


@pytest.mark.parametrize(
    ("user", "heading", "button"),
    [(REPORTER_JA, "/harassment の使い方", "報告する"), (REPORTER_EN, "How to use", "Report")],
)
def test_help_lists_the_commands_with_a_report_button(
    app: AppHarness, user: str, heading: str, button: str
) -> None:
    blocks = command(app, "help", user)["blocks"]
    assert heading in blocks[0]["text"]["text"]
    listing = blocks[1]["text"]["text"]
    for subcommand in ("report", "status", "policy", "policy &lt;", "sos", "help"):
        assert f"/harassment {subcommand}" in listing
    buttons = [e for b in blocks if b["type"] == "actions" for e in b["elements"]]
    assert [b["action_id"] for b in buttons] == [OPEN_REPORT_ACTION, SOS_ACTION]
    assert button in buttons[0]["text"]["text"]
    assert_nothing_public(app.slack)

    click = app.sender.block_actions(
        OPEN_REPORT_ACTION,
        user_id=user,
        channel_id=CHANNEL,
        message={"type": "message", "ts": "1700000000.000300", "blocks": blocks},
        is_ephemeral=True,
    )
    assert app.sender.interaction(click).status == 200
    app.slack.wait_for(lambda: app.slack.calls_to("views.open"))
    assert app.slack.calls_to("views.open")[-1].response["view"]["callback_id"] == "report_submit"


def test_help_with_more_words_is_a_plea_and_opens_the_form(app: AppHarness) -> None:
    view = app.open_report_form(REPORTER_EN, text="help me he won't leave")
    assert view["callback_id"] == "report_submit"


def test_japanese_subcommand_words(app: AppHarness) -> None:
    answer = command(app, "ヘルプ", REPORTER_JA)
    assert "/harassment policy" in text_of(answer["blocks"])
    policy = command(app, "方針 土下座", REPORTER_JA)
    assert policy["blocks"][0]["text"]["text"] == LIB.topic("apology").title.ja


def test_conduct_points_to_the_configured_hotline(slack: SlackStandIn, sqlite_url: str) -> None:
    url = "https://compliance.example.com/hotline?from=desk&lang=ja"
    with AppHarness(slack, sqlite_url, env_overrides={"HOTLINE_URL": url}) as app:
        for user, needle in ((REPORTER_EN, "not this desk"), (REPORTER_JA, "この窓口ではなく")):
            text = text_of(command(app, "policy whistleblowing", user)["blocks"])
            assert "<https://compliance.example.com/hotline?from=desk&amp;lang=ja|" in text
            assert needle in text
        # The overview mentions the other direction too.
        assert "compliance.example.com" in text_of(command(app, "policy", REPORTER_EN)["blocks"])


def test_without_a_hotline_people_are_told_to_ask_hr(app: AppHarness) -> None:
    assert "ask HR" in text_of(command(app, "policy conduct", REPORTER_EN)["blocks"])
    assert "人事部" in text_of(command(app, "policy conduct", REPORTER_JA)["blocks"])


def test_hr_edits_a_copy_and_the_app_shows_it(
    slack: SlackStandIn, sqlite_url: str, tmp_path: Path
) -> None:
    """GUIDANCE_DIR: a changed text is what people see after a restart, with no code change."""
    folder = tmp_path / "our-guidance"
    shutil.copytree(
        default_directory(), folder, ignore=shutil.ignore_patterns("*.py", "__pycache__")
    )
    path = folder / "employee.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["apology"]["now"]["ja"] = "• 土下座には応じず、店長の佐藤(内線 1234)を呼んでください。\n"
    data["apology"]["now"]["en"] = "• Do not kneel; call the store manager Sato on ext. 1234.\n"
    # A number is a fact that can go stale, so the edit says where it comes from.
    data["apology"]["source"] = [
        {"url": "https://intranet.example.com/phone-list", "checked": "2026-12-01"}
    ]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")

    with AppHarness(slack, sqlite_url, env_overrides={"GUIDANCE_DIR": str(folder)}) as app:
        ja = text_of(command(app, "policy 土下座", REPORTER_JA)["blocks"])
        en = text_of(command(app, "policy kneeling", REPORTER_EN)["blocks"])
    assert "店長の佐藤(内線 1234)" in ja
    assert "store manager Sato on ext. 1234" in en
    assert LIB.employee["apology"].now.en.splitlines()[0] not in en


def test_desk_channel_gets_nothing_from_a_lookup(app: AppHarness) -> None:
    command(app, "policy", REPORTER_EN)
    command(app, "help", REPORTER_EN)
    assert app.slack.messages(DESK_CHANNEL) == []
