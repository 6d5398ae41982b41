"""Slack markup to plain text, from real payloads and Slack's own examples."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.slack.markup import known_names, names_from, slack_text_to_plain
from bot.slack.mrkdwn import quote
from tests.shared_data import shared_file


def _payload(name: str) -> dict:
    return json.loads(shared_file(f"slack/payloads/{name}").read_text())["payload"]


def test_message_shortcut_payload_user_mention_becomes_a_name_or_the_id() -> None:
    payload = _payload("message_action.message_shortcut.bolt_test.json")
    text = payload["message"]["text"]  # "<@W222> test"
    assert slack_text_to_plain(text) == "@W222 test"
    assert slack_text_to_plain(text, names_from({"W222": "tanaka"})) == "@tanaka test"


def test_known_names_come_from_the_payload_without_a_slack_call() -> None:
    payload = _payload("message_action.message_shortcut.bolt_test.json")
    assert known_names(payload) == {"W111": "test-test"}
    payload = {
        **payload,
        "message": {
            **payload["message"],
            "user_profile": {"display_name": "", "real_name": "Sato Ken", "name": "sato"},
        },
    }
    assert known_names(payload)["W111"] == "Sato Ken"


@pytest.mark.parametrize(
    ("markup", "plain"),
    [
        # Slack's own escaping example (page_formatting.md): typed `Hello & <world>`.
        ("Hello &amp; &lt;world&gt;", "Hello & <world>"),
        ("&gt; quoted line", "> quoted line"),
        ("&amp;lt; stays literal", "&lt; stays literal"),  # `&amp;` is unescaped last
        # The golden example in the markup notes (MercuryTechnologies/slack-web).
        (
            "<#C043YJGBY49|general> :cat: <@U043H11ES4V> <https://google.com> text text text",
            "#general :cat: @U043H11ES4V https://google.com text text text",
        ),
        ("<@U024BE7LH|bob> said", "@bob said"),
        ("<#C024BE7LR>", "#C024BE7LR"),
        ("<!subteam^SAZ94GDB8|@devs> <!subteam^SAZ94GDB8>", "@devs @SAZ94GDB8"),
        ("<!here> <!channel> <!everyone> <!here|here>", "@here @channel @everyone @here"),
        (
            "<!date^1392734382^{date_short} at {time}^https://example.com|Feb 18, 2014 at 6:39 AM>",
            "Feb 18, 2014 at 6:39 AM",
        ),
        ("<!date^1392734382^{date_short}>", "2014-02-18 14:39 UTC"),
        ("<http://www.foo.com|www.foo.com>", "www.foo.com"),
        ("<https://example.com/x|our shop>", "our shop (https://example.com/x)"),
        ("<mailto:bob@example.com|Bob> <mailto:bob@example.com>", "Bob bob@example.com"),
        ("<!foo>", "foo"),
        ("plain text, no markup: 土下座しろ", "plain text, no markup: 土下座しろ"),
    ],
)
def test_markup_reads_as_the_author_wrote_it(markup: str, plain: str) -> None:
    assert slack_text_to_plain(markup) == plain


def test_escaped_once_for_the_desk_never_twice() -> None:
    plain = slack_text_to_plain("Tom &amp; Jerry &lt;3 <!channel>")
    assert plain == "Tom & Jerry <3 @channel"
    desk = quote(plain)
    assert desk == "&gt; Tom &amp; Jerry &lt;3 @channel"
    assert "&amp;amp;" not in desk and "<!" not in desk


def test_one_function_turns_slack_markup_into_plain_text() -> None:
    """The form prefill and the conversation read the same markup the same way: a second
    converter had drifted (a link labelled with its own address, a date without a label)."""
    root = Path(__file__).resolve().parents[2]
    defined = [
        path.relative_to(root).as_posix()
        for folder in ("bot", "handlers", "storage")
        for path in sorted((root / folder).rglob("*.py"))
        if "def slack_text_to_plain(" in path.read_text(encoding="utf-8")
    ]
    assert defined == ["bot/slack/markup.py"]
