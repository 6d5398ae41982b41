"""Customer matching as people write it, through the stand-in: a name and a phone number on one
line, a phone in brackets, an e-mail inside a sentence, two customers who share a name, and a
10,000-character search."""

from __future__ import annotations

from typing import Any

from bot.customers import ids
from storage.models import Case
from storage.repositories import customers as customers_repo
from tests.desk_support import report, submit
from tests.harness import DESK_CHANNEL, AppHarness
from tests.insight.test_customer_flow import DESK, click_open, wait_case_text

MATCHED = "と識別情報が一致します"  # the case line of a strong (phone, e-mail, number) match
SAME_NAME = "と同名です"  # the case line of a match on the name alone


def open_link_modal(app: AppHarness, case: Case) -> dict[str, Any]:
    return click_open(
        app,
        ids.LINK_ACTION,
        str(case.id),
        DESK,
        channel_id=DESK_CHANNEL,
        message_ts=case.desk_message_ts,
    )


def element(view: dict[str, Any], block_id: str) -> dict[str, Any]:
    (block,) = [b for b in view["blocks"] if b.get("block_id") == block_id]
    return dict(block["element"])


def picked(view: dict[str, Any]) -> str:
    return str(element(view, ids.PICK_BLOCK)["initial_option"]["value"])


def suggestions(view: dict[str, Any]) -> list[tuple[str, str]]:
    options = element(view, ids.PICK_BLOCK)["options"]
    return [(o["value"], o["text"]["text"]) for o in options if o["value"] != ids.NEW_RECORD]


def link_new(app: AppHarness, case: Case, **values: Any) -> dict[str, Any]:
    """Link `case` to a new record as the modal prefills it (or with `values` changed)."""
    view = open_link_modal(app, case)
    answer = submit(app, view, {ids.PICK_BLOCK: ids.NEW_RECORD, **values}, DESK)
    assert answer is None, answer  # closed: saved
    return view


def search(app: AppHarness, query: str) -> str:
    response = app.sender.command("/harassment", f"customer {query}", user_id=DESK)
    assert response.status == 200, response.text
    return str(response.json())


def customer_of(app: AppHarness, case: Case) -> int:
    with app.deps.sessions() as session:
        customer = customers_repo.customer_of_case(session, case.id)
        assert customer is not None
        return customer.id


def test_a_name_and_a_phone_on_one_line_point_to_the_earlier_case(app: AppHarness) -> None:
    first = report(app, customer_text="山田 太郎 090-1234-5678")
    view = link_new(app, first)
    # The modal took the line apart: the name for the record, each identifier on its own line.
    assert element(view, ids.NAME_BLOCK)["initial_value"] == "山田 太郎"
    assert element(view, ids.IDENTIFIERS_BLOCK)["initial_value"] == "山田 太郎\n090-1234-5678"
    wait_case_text(app, first, "*山田 太郎*")

    second = report(app, customer_text="山田太郎 ０９０１２３４５６７８")
    text = wait_case_text(app, second, first.reference)
    assert MATCHED in text and "過去の相談 1 件" in text and SAME_NAME not in text
    record = customer_of(app, first)
    assert picked(open_link_modal(app, second)) == str(record)  # strong: offered first

    third = report(app, customer_text="+81 90-1234-5678 山田")
    assert MATCHED in wait_case_text(app, third, first.reference)

    # The desk's search reads a query the same way; 10,000 characters are read to the end.
    found = search(app, "山田太郎 ０９０１２３４５６７８")
    assert f"No. {record}" in found and "同名" not in found
    long_query = "あ" * 9_977 + " 090-1234-5678"
    assert len(f"customer {long_query}") == 10_000
    assert f"No. {record}" in search(app, long_query)


def test_a_phone_in_brackets_and_an_email_in_a_sentence_match(app: AppHarness) -> None:
    first = report(app, customer_text="ヤマダ タロウ（0312345678）")
    view = link_new(app, first)
    assert element(view, ids.NAME_BLOCK)["initial_value"] == "ヤマダ タロウ"
    later = report(app, customer_text="03-1234-5678")
    assert MATCHED in wait_case_text(app, later, first.reference)

    by_mail = report(app, customer_text="Wrote to us from Taro.Yamada@example.com about a refund")
    link_new(app, by_mail, **{ids.NAME_BLOCK: "Taro Yamada"})
    again = report(app, customer_text="メールアドレスは taro.yamada@example.com の方です")
    text = wait_case_text(app, again, by_mail.reference)
    assert MATCHED in text and "Taro Yamada" in text


def test_two_customers_with_one_name_are_suggested_as_same_name_not_merged(
    app: AppHarness,
) -> None:
    first = report(app, customer_text="山田太郎 090-1234-5678")
    link_new(app, first)
    record_a = customer_of(app, first)

    # Another 山田太郎, with another phone: the name alone matches, and the desk decides.
    other = report(app, customer_text="山田太郎 080-2345-6789")
    text = wait_case_text(app, other, first.reference)
    assert SAME_NAME in text and MATCHED not in text
    view = open_link_modal(app, other)
    assert suggestions(view) == [(str(record_a), "[同名] 山田太郎 · 相談(1 件)")]
    assert picked(view) == ids.NEW_RECORD  # a namesake is not preselected
    assert submit(app, view, {}, DESK) is None  # saved as the modal offered it
    record_b = customer_of(app, other)
    assert record_b != record_a
    with app.deps.sessions() as session:
        assert customers_repo.count(session) == 2

    # A third report of the second 山田太郎: his record first (by phone), the namesake after.
    third = report(app, customer_text="山田太郎 ０８０ ２３４５ ６７８９")
    text = wait_case_text(app, third, other.reference)
    assert MATCHED in text and first.reference not in text
    view = open_link_modal(app, third)
    assert [value for value, _ in suggestions(view)] == [str(record_b), str(record_a)]
    assert picked(view) == str(record_b)
    assert "[同名]" in suggestions(view)[1][1] and "[同名]" not in suggestions(view)[0][1]

    found = search(app, "山田太郎")
    assert f"No. {record_a}" in found and f"No. {record_b}" in found
    assert found.count("同名(氏名のみ一致") == 2
