"""`/harassment help` is generated from the routing table in handlers/commands/harassment.py:
every route is listed, with its Japanese words, in both languages."""

from __future__ import annotations

import pytest

from bot.guidance import help_answer
from handlers.commands.harassment import HELP_LINES, ROUTES, SUBCOMMANDS


@pytest.mark.parametrize("locale", ["ja", "en"])
def test_help_lists_every_subcommand_and_its_japanese_words(locale: str) -> None:
    listing = help_answer(locale, HELP_LINES).blocks[1]["text"]["text"]
    lines = listing.split("\n")
    assert len(lines) == len(HELP_LINES)
    for route in SUBCOMMANDS:
        for word in route.words:
            assert f"`/harassment {word}`" in listing, word
    assert "`/harassment policy &lt;" in listing


def test_every_word_in_the_table_routes_and_nothing_else_does() -> None:
    words = {word for route in SUBCOMMANDS for word in route.words}
    assert set(ROUTES) == words | {""}
    assert {"報告", "状況", "ポリシー", "方針", "ヘルプ"} <= words
