"""Customer identifiers: one matching key for the many ways staff write the same customer."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.customers.identifiers import (
    KIND_EMAIL,
    KIND_NUMBER,
    KIND_PHONE,
    KIND_TEXT,
    IdentifierError,
    extract_identifiers,
    normalize,
    parse_identifier,
    split_identifiers,
)


@pytest.mark.parametrize(
    "variants",
    [
        ("ﾔﾏﾀﾞ ﾀﾛｳ", "やまだ たろう", "ヤマダタロウ", "ヤマダ　タロウ"),
        ("090-1234-5678", "０９０ １２３４ ５６７８", "+81 90 1234 5678", "(090)1234-5678"),
        ("A-12345", "a12345", "Ａ１２３４５", "a 12345"),
        (
            "Taro.Yamada@Example.com",
            "taroyamada@example.com",
            "ＴＡＲＯ．ＹＡＭＡＤＡ＠ｅｘａｍｐｌｅ.com",
        ),
        ("株式会社 山田商事", "株式会社山田商事", "株式会社　山田商事"),
    ],
)
def test_variants_share_one_key(variants: tuple[str, ...]) -> None:
    keys = {normalize(v) for v in variants}
    assert len(keys) == 1, keys


def test_kinds() -> None:
    assert parse_identifier("090-1234-5678").kind == KIND_PHONE
    assert parse_identifier("090-1234-5678").normalized == "09012345678"
    assert parse_identifier("taro@example.com").kind == KIND_EMAIL
    assert parse_identifier("会員番号 A-12345").kind == KIND_TEXT
    assert parse_identifier("  山田  ").text == "山田"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "customer.error.identifier_empty"),
        ("   ", "customer.error.identifier_empty"),
        ("---", "customer.error.identifier_punctuation"),
        ("!!! ??? ・・・", "customer.error.identifier_punctuation"),
        ("x" * 10_000, "customer.error.identifier_long"),
    ],
)
def test_bad_identifiers_are_field_errors(text: str, code: str) -> None:
    with pytest.raises(IdentifierError) as caught:
        parse_identifier(text)
    assert caught.value.code == code


def test_a_field_may_hold_several_identifiers() -> None:
    assert split_identifiers("山田太郎、090-1234-5678\nA-12345,") == [
        "山田太郎",
        "090-1234-5678",
        "A-12345",
    ]


# Identifiers inside free text -------------------------------------------------------------


def found(text: str) -> list[tuple[str, str, str]]:
    return [(i.kind, i.normalized, i.text) for i in extract_identifiers(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "山田 太郎 090-1234-5678",
            [(KIND_TEXT, "山田太郎", "山田 太郎"), (KIND_PHONE, "09012345678", "090-1234-5678")],
        ),
        (
            "山田太郎 ０９０１２３４５６７８",
            [
                (KIND_TEXT, "山田太郎", "山田太郎"),
                (KIND_PHONE, "09012345678", "０９０１２３４５６７８"),
            ],
        ),
        (
            "+81 90-1234-5678 山田",
            [(KIND_TEXT, "山田", "山田"), (KIND_PHONE, "09012345678", "+81 90-1234-5678")],
        ),
        (
            "ヤマダ タロウ（0312345678）",
            [
                (KIND_TEXT, "ヤマダタロウ", "ヤマダ タロウ"),
                (KIND_PHONE, "0312345678", "0312345678"),
            ],
        ),
        (
            "TEL 090ー1234ー5678 山田(ヤマダ)",
            [
                (KIND_TEXT, "山田ヤマダ", "山田(ヤマダ)"),
                (KIND_PHONE, "09012345678", "090ー1234ー5678"),
            ],
        ),
        (
            "(03)1234‐5678、株式会社 山田商事 御中",
            [
                (KIND_PHONE, "0312345678", "(03)1234‐5678"),
                (KIND_TEXT, "株式会社山田商事", "株式会社 山田商事 御中"),
            ],
        ),
        (
            "来店されたのは taro.yamada@example.com の方です",
            [
                (KIND_TEXT, "来店サレタノハノ方デス", "来店されたのは の方です"),
                (KIND_EMAIL, "taroyamada@examplecom", "taro.yamada@example.com"),
            ],
        ),
        ("会員番号 A-12345", [(KIND_NUMBER, "a12345", "A-12345")]),
        (
            "注文番号:No.20261207 ｽｽﾞｷ",
            [(KIND_TEXT, "スズキ", "ｽｽﾞｷ"), (KIND_NUMBER, "20261207", "No.20261207")],
        ),
        ("会員番号A-1 山田様", [(KIND_TEXT, "山田", "山田様"), (KIND_NUMBER, "a1", "A-1")]),
        ("山田 3世", [(KIND_TEXT, "山田3世", "山田 3世")]),
        (
            "+1 415 555 1234 John",
            [(KIND_TEXT, "john", "John"), (KIND_PHONE, "14155551234", "+1 415 555 1234")],
        ),
        ("2026-12-07 来店の山田", [(KIND_TEXT, "20261207来店ノ山田", "2026-12-07 来店の山田")]),
        ("---", []),
        ("", []),
    ],
)
def test_identifiers_are_taken_out_of_a_line(
    text: str, expected: list[tuple[str, str, str]]
) -> None:
    assert found(text) == expected


def test_a_name_and_a_phone_on_one_line_share_keys_with_the_same_written_apart() -> None:
    first = {i.normalized for i in extract_identifiers("山田 太郎 090-1234-5678")}
    second = {i.normalized for i in extract_identifiers("山田太郎 ０９０１２３４５６７８")}
    assert first == second == {"山田太郎", "09012345678"}


def test_phones_keep_the_keys_the_register_has_always_stored() -> None:
    for text in ("090-1234-5678", "+81 90 1234 5678", "(090)1234-5678", "０９０ １２３４ ５６７８"):
        (phone,) = extract_identifiers(text)
        assert phone.kind == KIND_PHONE and phone.normalized == normalize(text) == "09012345678"
    assert normalize("+81 (0)90-1234-5678") == "09012345678"


def test_a_name_alone_is_weak_and_the_rest_strong() -> None:
    kinds = {i.kind: i.strong for i in extract_identifiers("山田 a@b.jp 090-1234-5678 A-12345")}
    assert kinds == {KIND_TEXT: False, KIND_EMAIL: True, KIND_PHONE: True, KIND_NUMBER: True}


@pytest.mark.parametrize(
    "text",
    [
        "あ" * 9_986 + " 090-1234-5678",
        "090-1234-5678 " * 715,
        "a." * 5_000,
        "a@" * 5_000,
        "x@" + "a." * 4_999,
        "1-" * 5_000,
        "(" * 5_000 + " " * 5_000,
        "会員番号" * 2_500,
        "0" * 10_000,
        "+81 " * 2_500,
    ],
)
def test_ten_thousand_characters_are_read_to_the_end(text: str) -> None:
    keys = [i.normalized for i in extract_identifiers(text)]
    assert len(text) >= 10_000
    if text.endswith("090-1234-5678") or text.startswith("090"):
        assert "09012345678" in keys


_WRITTEN = st.text(
    alphabet=st.sampled_from(
        list("山田太郎やまだヤマダﾔﾏﾀﾞabcXYZ0123456789０１２３ -‐ー()（）@.+#、,\n様")
    ),
    max_size=80,
)


@given(_WRITTEN)
@settings(max_examples=300, deadline=None)
def test_each_identifier_found_is_found_again_alone(text: str) -> None:
    """What the *Link to customer* modal prefills, one per line, is read back as the same."""
    for identifier in extract_identifiers(text):
        assert identifier.normalized
        assert identifier.text in text or identifier.kind == KIND_TEXT  # a name is tidied
        again = extract_identifiers(identifier.text)
        assert [i.normalized for i in again] == [identifier.normalized]
        # A short number is one only after its label (会員番号 A-1); alone it reads as a name.
        assert again[0].kind == identifier.kind or identifier.kind == KIND_NUMBER


@given(_WRITTEN)
@settings(max_examples=300, deadline=None)
def test_keys_are_unique_and_folding_the_width_changes_none(text: str) -> None:
    keys = [i.normalized for i in extract_identifiers(text)]
    assert len(keys) == len(set(keys))
    folded = unicodedata.normalize("NFKC", text)
    assert {i.normalized for i in extract_identifiers(folded)} == set(keys)
