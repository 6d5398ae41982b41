"""Identifier normalisation for matching customers (pure).

Staff write the same customer many ways: 「ﾔﾏﾀﾞ ﾀﾛｳ」, 「やまだ たろう」, 「ヤマダタロウ」;
`090-1234-5678`, `０９０ １２３４ ５６７８`, `+81 90 1234 5678`; `A-12345` and `a12345`. The
normalised form folds all of those to one key: NFKC (full-width and half-width forms), hiragana to
katakana, case, and no spaces, hyphens or dots. A phone number (only digits and phone punctuation,
at least 7 digits) keeps its digits, with a leading +81 read as the domestic 0.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

MAX_IDENTIFIER = 200
KIND_PHONE = "phone"
KIND_EMAIL = "email"
KIND_TEXT = "text"

# Spaces, hyphens and dashes of every width, dots and middle dots (・) that separate parts.
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—―−－_.・･/]+")
_PHONE = re.compile(r"^\+?[\d\s\-‐‑‒–—―−()]+$")
_HIRAGANA_START, _HIRAGANA_END = 0x3041, 0x3096
_KANA_OFFSET = 0x60


class IdentifierError(ValueError):
    """An identifier that cannot be matched: `code` names the catalogue message."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Identifier:
    text: str  # as written (trimmed)
    kind: str
    normalized: str


def _katakana(text: str) -> str:
    return "".join(
        chr(ord(ch) + _KANA_OFFSET) if _HIRAGANA_START <= ord(ch) <= _HIRAGANA_END else ch
        for ch in text
    )


def phone_digits(text: str) -> str | None:
    """The digits of a phone number, or None when `text` is not one."""
    folded = unicodedata.normalize("NFKC", text).strip()
    if not _PHONE.match(folded):
        return None
    digits = re.sub(r"\D", "", folded)
    if folded.startswith("+81"):
        digits = "0" + digits[2:]
    return digits if len(digits) >= 7 else None


def normalize(text: str) -> str:
    """The matching key of any identifier or search query ('' when nothing matchable is left)."""
    phone = phone_digits(text)
    if phone is not None:
        return phone
    folded = unicodedata.normalize("NFKC", text)
    folded = _katakana(folded).casefold()
    folded = _SEPARATORS.sub("", folded)
    return "".join(ch for ch in folded if unicodedata.category(ch)[0] in "LNM" or ch == "@")


def parse_identifier(text: str) -> Identifier:
    """Validate and classify one identifier; raises `IdentifierError` with a message code."""
    cleaned = text.strip()
    if not cleaned:
        raise IdentifierError("customer.error.identifier_empty")
    if len(cleaned) > MAX_IDENTIFIER:
        raise IdentifierError("customer.error.identifier_long")
    key = normalize(cleaned)
    if not any(unicodedata.category(ch)[0] in "LN" for ch in key):
        raise IdentifierError("customer.error.identifier_punctuation")
    if phone_digits(cleaned) is not None:
        kind = KIND_PHONE
    elif "@" in key:
        kind = KIND_EMAIL
    else:
        kind = KIND_TEXT
    return Identifier(text=cleaned, kind=kind, normalized=key)


def split_identifiers(text: str) -> list[str]:
    """The customer field may hold several identifiers, one per line or separated by commas."""
    parts = re.split(r"[\n,、，]+", text)
    return [part.strip() for part in parts if part.strip()]
