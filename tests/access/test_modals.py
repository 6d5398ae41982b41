"""The case modal stays within Slack's view limits however long the case: at most 100 blocks,
3000 characters a section, a 24-character title; what is cut says so."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.access.modals import case_view, reporter_view
from bot.access.service import CaseRead, Line, ReporterRead
from bot.slack.limits import SECTION_TEXT_MAX, VIEW_BLOCKS_MAX, VIEW_TITLE_MAX

WHEN = datetime(2026, 12, 8, 9, 0, tzinfo=UTC)
LONG = "<!channel> & 長い文章 " * 400  # escaped, it grows past several sections


def _texts(view: dict[str, object]) -> list[str]:
    blocks = view["blocks"]
    assert isinstance(blocks, list)
    return [b["text"]["text"] for b in blocks if b.get("type") == "section"]


def test_a_huge_case_fits_in_one_view_and_says_it_was_cut() -> None:
    lines = tuple(Line(WHEN, "U0DESK0001", "note", LONG) for _ in range(120))
    read = CaseRead(
        case_id=7,
        reference="CH-2026-12345-LONGER-THAN-A-TITLE",
        status="new",
        in_danger=True,
        named=True,
        reporter_user_id=None,
        categories=("mental",),
        location="",
        texts=tuple((key, LONG) for key in ("narrative", "demands", "witnesses", "wants")),
        timeline=lines,
        conversation=lines,
        evidence=(Line(WHEN, None, "copied", "photo.jpg"),),
        customers=("<@U0X> 山田",),
        accesses=tuple(Line(WHEN, "U0DESK0001", "open_case") for _ in range(50)),
    )
    view = case_view(read, locale="ja", category_label=lambda key, locale: key)
    blocks = view["blocks"]
    assert len(blocks) <= VIEW_BLOCKS_MAX
    assert len(view["title"]["text"]) <= VIEW_TITLE_MAX
    assert all(len(text) <= SECTION_TEXT_MAX for text in _texts(view))
    assert "省略しました" in str(blocks[-1])
    assert "<!channel>" not in str(blocks) and "&lt;@U0X&gt;" in str(blocks)


def test_the_reporters_view_keeps_its_reply_box_after_many_messages() -> None:
    messages = tuple(Line(WHEN, None, "desk", LONG) for _ in range(150))
    view = reporter_view(ReporterRead(case_id=7, reference="CH-1", locale="en", messages=messages))
    assert len(view["blocks"]) <= VIEW_BLOCKS_MAX
    assert view["blocks"][-1]["type"] == "input"
    assert all(len(text) <= SECTION_TEXT_MAX for text in _texts(view))
