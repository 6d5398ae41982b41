"""Customer identifiers: one matching key for the many ways staff write the same customer."""

from __future__ import annotations

import pytest

from bot.customers.identifiers import (
    KIND_EMAIL,
    KIND_PHONE,
    KIND_TEXT,
    IdentifierError,
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
