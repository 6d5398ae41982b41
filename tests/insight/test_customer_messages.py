"""What the desk reads of a match on the name alone (pure builders, both languages)."""

from __future__ import annotations

import pytest

from bot.customers import ids
from bot.customers.messages import history_line, summary_blocks
from bot.customers.modals import link_modal
from bot.customers.service import CaseCustomers, CaseHistory, CustomerSummary


def summary(customer_id: int, *, same_name: bool) -> CustomerSummary:
    return CustomerSummary(
        id=customer_id,
        display_name="山田太郎",
        identifiers=("山田 太郎",),
        case_references=("CH-2026-0001",),
        measures=(),
        same_name=same_name,
    )


@pytest.mark.parametrize(
    ("locale", "same", "strong"),
    [
        ("en", "Same name as *山田太郎*", "Possibly *山田太郎*"),
        ("ja", "と同名です", "識別情報が一致"),
    ],
)
def test_the_case_line_says_same_name_only_for_a_name_alone(
    locale: str, same: str, strong: str
) -> None:
    history = CaseHistory(1, "山田太郎", ("CH-2026-0001",), False, None, linked=False)
    assert strong in history_line(history, locale) and same not in history_line(history, locale)
    namesake = CaseHistory(1, "山田太郎", ("CH-2026-0001",), False, None, False, same_name=True)
    assert same in history_line(namesake, locale) and "CH-2026-0001" in history_line(
        namesake, locale
    )


@pytest.mark.parametrize(("locale", "mark"), [("en", "same name"), ("ja", "同名")])
def test_register_answers_and_suggestions_mark_a_namesake(locale: str, mark: str) -> None:
    assert mark in summary_blocks(summary(1, same_name=True), locale)[0]["text"]["text"]
    assert mark not in summary_blocks(summary(1, same_name=False), locale)[0]["text"]["text"]
    data = CaseCustomers(
        "CH-2026-0002",
        None,
        [summary(2, same_name=False), summary(1, same_name=True)],
        "山田太郎 080-2345-6789",
    )
    view = link_modal(5, data, locale)
    (pick,) = [b for b in view["blocks"] if b.get("block_id") == ids.PICK_BLOCK]
    labels = [o["text"]["text"] for o in pick["element"]["options"]]
    assert mark not in labels[0] and mark in labels[1]
    assert pick["element"]["initial_option"]["value"] == "2"
    namesakes_only = CaseCustomers("CH-2026-0002", None, [summary(1, same_name=True)], "山田太郎")
    (pick,) = [
        b for b in link_modal(5, namesakes_only, locale)["blocks"]
        if b.get("block_id") == ids.PICK_BLOCK
    ]  # fmt: skip
    assert pick["element"]["initial_option"]["value"] == ids.NEW_RECORD
