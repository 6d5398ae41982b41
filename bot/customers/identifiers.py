"""Identifier normalisation and extraction for matching customers (pure).

Staff write the same customer many ways: 「ﾔﾏﾀﾞ ﾀﾛｳ」, 「やまだ たろう」, 「ヤマダタロウ」;
`090-1234-5678`, `０９０ １２３４ ５６７８`, `+81 90 1234 5678`; `A-12345` and `a12345`. The
normalised form folds all of those to one key: NFKC (full-width and half-width forms), hiragana to
katakana, case, and no spaces, hyphens or dots. A phone number keeps its digits, with +81 read as
the domestic 0.

Reporters write several identifiers in one box, most often a name and a number on one line
(`山田太郎 ０９０１２３４５６７８`). `extract_identifiers` takes phone numbers, e-mail addresses and
membership or order numbers out of the text first (after NFKC); what is left between them is a
name, kept whole. Each becomes its own identifier with its own key.

Every step is linear in the input: the expressions below have no nested or overlapping
repetition, and phone numbers are found by libphonenumber's matcher, which is bounded too.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import phonenumbers

MAX_IDENTIFIER = 200
KIND_PHONE = "phone"
KIND_EMAIL = "email"
KIND_NUMBER = "number"  # a membership, order or other account number
KIND_TEXT = "text"  # a name (of a person or a company): two customers may share one
# A match on one of these names the customer; a match on a name alone may be a namesake.
STRONG_KINDS = frozenset({KIND_PHONE, KIND_EMAIL, KIND_NUMBER})

PHONE_REGION = "JP"  # numbers written without +country are read as Japanese
_JAPAN = 81

# Spaces, hyphens and dashes of every width, dots and middle dots (・) that separate parts.
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—―−－_.・･/]+")
_PHONE = re.compile(r"^\+?[\d\s\-‐‑‒–—―−ー()]+$")
_HIRAGANA_START, _HIRAGANA_END = 0x3041, 0x3096
_KANA_OFFSET = 0x60

# What separates identifiers that are not found by their shape: lines, commas, semicolons.
_PARTS = re.compile(r"[\n,、，;；]+")
# An e-mail address. It may start only where a run of address characters starts, so a long run
# without an @ is read once, not once per starting position.
_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+", re.ASCII
)
# Words that introduce an identifier ("会員番号:", "TEL", "order no."); they are not a name.
_LABELS = re.compile(
    r"(?:会員|注文|オーダー|予約|お客様|顧客|伝票|受付|契約|管理|カード|ポイントカード)"
    r"(?:番号|No\.?|ID|コード)"
    r"|電話番号|携帯番号|携帯電話|携帯|電話|メールアドレス|メアド|メール"
    r"|\b(?:tel|phone|mobile|e-?mail|mail"
    r"|(?:order|member(?:ship)?|customer|account|booking|reservation) ?(?:no\b\.?|number|id|#))\b"
    r"[:.]?",
    re.IGNORECASE,
)
# A run of text between spaces, brackets and the other marks that end a word.
_CHUNK = re.compile(r"[^\s()\[\]{}<>「」『』【】〈〉《》〔〕:;,、。\x00\x01]+")
# A membership or order number: ASCII letters and digits in groups joined by - _ . / or a dash
_CODE = re.compile(r"#?[A-Za-z0-9]+(?:[-_./‐‑‒–—―−ー][A-Za-z0-9]+)*")
_DATE = re.compile(r"\d{2,4}[-/.]\d{1,2}(?:[-/.]\d{1,2})?", re.ASCII)  # a date is no identifier
_CODE_PREFIX = re.compile(r"^(?:#|no\.?(?=\d))", re.IGNORECASE)
_CODE_MIN_DIGITS = 3  # fewer, and only after a label: 山田 3世 is a name
# Courtesy titles after a name: 山田太郎様 and 山田太郎 are one name.
_HONORIFICS = ("様", "さま", "さん", "殿", "御中")
_EMPTY_BRACKETS = re.compile(r"[(\[{<「『【〈《〔]\s*[)\]}>」』】〉》〕]")


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

    @property
    def strong(self) -> bool:
        return self.kind in STRONG_KINDS


def _katakana(text: str) -> str:
    return "".join(
        chr(ord(ch) + _KANA_OFFSET) if _HIRAGANA_START <= ord(ch) <= _HIRAGANA_END else ch
        for ch in text
    )


def _phone_key(number: phonenumbers.PhoneNumber) -> str:
    """Domestic form for Japan (0 + national number), country code + number otherwise: the digits
    the register has always stored for `090-1234-5678` and `+1 415 555 1234`."""
    national = phonenumbers.national_significant_number(number)
    return "0" + national if number.country_code == _JAPAN else f"{number.country_code}{national}"


def phone_digits(text: str) -> str | None:
    """The matching key of `text` when all of it is one phone number, else None."""
    folded = unicodedata.normalize("NFKC", text).strip()
    if not _PHONE.match(folded):
        return None
    digits = re.sub(r"\D", "", folded)
    if len(digits) < 7:
        return None
    if folded.startswith("+"):
        # International form: the library knows each country's trunk prefix ("+81 (0)90 …").
        try:
            number = phonenumbers.parse(folded, PHONE_REGION)
        except phonenumbers.NumberParseException:
            number = None
        if number is not None and phonenumbers.is_possible_number(number):
            return _phone_key(number)
        return "0" + digits[2:] if folded.startswith("+81") else digits
    return digits  # domestic form: its digits are the key (as written, with the leading 0)


def normalize(text: str) -> str:
    """The matching key of any identifier or search query ('' when nothing matchable is left)."""
    phone = phone_digits(text)
    if phone is not None:
        return phone
    folded = unicodedata.normalize("NFKC", text)
    folded = _katakana(folded).casefold()
    folded = _SEPARATORS.sub("", folded)
    return "".join(ch for ch in folded if unicodedata.category(ch)[0] in "LNM" or ch == "@")


def name_key(text: str) -> str:
    """The key of a name: as `normalize`, without a courtesy title at the end."""
    folded = unicodedata.normalize("NFKC", text)
    end = len(folded)
    while end and _mark_only(folded[end - 1]):
        end -= 1
    folded = folded[:end]  # 山田(様) is 山田様
    for title in _HONORIFICS:
        if folded.endswith(title):
            return normalize(folded[: -len(title)]) or normalize(folded)
    return normalize(folded)


def number_key(text: str) -> str:
    """The key of a membership or order number: `No.12345`, `#12345` and `12345` are one."""
    return normalize(_CODE_PREFIX.sub("", unicodedata.normalize("NFKC", text).strip()))


def _mark_only(ch: str) -> bool:
    """Punctuation or space, even after NFKC (a voiced sound mark ﾞ belongs to its letter)."""
    return not any(unicodedata.category(c)[0] in "LNM" for c in unicodedata.normalize("NFKC", ch))


def _matchable(text: str) -> bool:
    return any(unicodedata.category(ch)[0] in "LN" for ch in unicodedata.normalize("NFKC", text))


def parse_identifier(text: str) -> Identifier:
    """Validate and classify one identifier as a whole; raises `IdentifierError` with a code."""
    cleaned = text.strip()
    if not cleaned:
        raise IdentifierError("customer.error.identifier_empty")
    if len(cleaned) > MAX_IDENTIFIER:
        raise IdentifierError("customer.error.identifier_long")
    key = normalize(cleaned)
    if not _matchable(key):
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


# Extraction -------------------------------------------------------------------------------

_USED, _LABEL = 1, 2  # what a written character was taken as
_MARKS = {_USED: "\x01", _LABEL: "\x00"}


class _Folded:
    """`text` after NFKC, a character (with the marks that follow it: ﾀﾞ) at a time, remembering
    which written characters each folded one came from, so a span found in the folded text is
    cut from the text as written."""

    def __init__(self, text: str) -> None:
        pieces: list[str] = []
        owner: list[tuple[int, int]] = []  # folded character -> written [first, last)
        index = 0
        while index < len(text):
            last = index + 1
            while last < len(text) and _joins_previous(text[last]):
                last += 1
            folded = unicodedata.normalize("NFKC", text[index:last])
            pieces.append(folded)
            owner.extend([(index, last)] * len(folded))
            index = last
        self.written = text
        self.text = "".join(pieces)
        self._owner = owner
        self.taken = bytearray(len(text))

    def _span(self, start: int, end: int) -> tuple[int, int]:
        return self._owner[start][0], self._owner[end - 1][1]

    def take(self, start: int, end: int, mark: int = _USED) -> tuple[int, str]:
        """Mark the folded span [start, end) as taken; its position and text as written."""
        first, last = self._span(start, end)
        self.taken[first:last] = bytes([mark]) * (last - first)
        return first, self.written[first:last].strip()

    def is_free(self, start: int, end: int) -> bool:
        first, last = self._span(start, end)
        return not any(self.taken[first:last])

    def masked(self) -> str:
        """The folded text with every taken character replaced by its mark (lengths kept)."""
        marks = (self.taken[first] for first, _ in self._owner)
        return "".join(
            _MARKS[mark] if mark else ch for mark, ch in zip(marks, self.text, strict=True)
        )

    def rest(self) -> str:
        """The written text without the taken characters; a cut leaves a space behind."""
        out: list[str] = []
        for ch, used in zip(self.written, self.taken, strict=True):
            if not used:
                out.append(ch)
            elif out and out[-1] != " ":
                out.append(" ")
        return "".join(out)


Found = list[tuple[int, Identifier]]


def _joins_previous(ch: str) -> bool:
    """A combining mark, or a half-width voiced sound mark (ﾞ ﾟ): NFKC joins it to the letter."""
    return ch in "\uff9e\uff9f" or unicodedata.category(ch).startswith("M")


def _emails(folded: _Folded) -> Found:
    found = []
    for match in _EMAIL.finditer(folded.text):
        at, written = folded.take(match.start(), match.end())
        found.append((at, Identifier(text=written, kind=KIND_EMAIL, normalized=normalize(written))))
    return found


def _phones(folded: _Folded) -> Found:
    text = folded.masked()
    found = []
    for match in phonenumbers.PhoneNumberMatcher(text, PHONE_REGION, phonenumbers.Leniency.VALID):
        # The matcher keeps an opening bracket in its raw string: "(0312345678", "(03)1234-5678".
        start, end = match.start, match.end
        if ")" not in match.raw_string:
            while start < end and not text[start].isdigit() and text[start] != "+":
                start += 1
        while end > start and not text[end - 1].isdigit():  # "090-1234-5678ー 2026…"
            end -= 1
        if start == end or not folded.is_free(start, end):
            continue
        at, written = folded.take(start, end)
        key = _phone_key(match.number)
        found.append((at, Identifier(text=written, kind=KIND_PHONE, normalized=key)))
    return found


def _is_code(chunk: str, min_digits: int = _CODE_MIN_DIGITS) -> bool:
    if not _CODE.fullmatch(chunk) or _DATE.fullmatch(chunk):
        return False
    return sum(ch.isdigit() for ch in chunk) >= min_digits


def _after_label(text: str, start: int) -> bool:
    index = start - 1
    while index >= 0 and text[index] in " \t:":
        index -= 1
    return index >= 0 and text[index] == _MARKS[_LABEL]


def _numbers(folded: _Folded) -> Found:
    # Labels first: they are no part of a name, and a short code right after one is a number.
    for match in _LABELS.finditer(folded.masked()):
        folded.take(match.start(), match.end(), _LABEL)
    text = folded.masked()
    found = []
    for match in _CHUNK.finditer(text):
        chunk = match.group()
        if _is_code(chunk) or (_is_code(chunk, 1) and _after_label(text, match.start())):
            at, written = folded.take(match.start(), match.end())
            key = number_key(written)
            found.append((at, Identifier(text=written, kind=KIND_NUMBER, normalized=key)))
    return found


_PAIRS = {"(": ")", "[": "]", "「": "」", "『": "』", "【": "】"}  # after NFKC


def _tidy_name(text: str) -> str:
    text = " ".join(_EMPTY_BRACKETS.sub(" ", text).split())
    start, end = 0, len(text)
    while start < end and _mark_only(text[start]):
        start += 1
    while end > start and _mark_only(text[end - 1]):
        end -= 1
    name = text[start:end]
    # 山田(ヤマダ) keeps its closing bracket.
    folded = unicodedata.normalize("NFKC", name)
    following = text[end : end + 1]
    for opening, closing in _PAIRS.items():
        if folded.count(opening) > folded.count(closing) and (
            unicodedata.normalize("NFKC", following) == closing
        ):
            name += following
            break
    return name


def _name(rest: str) -> Identifier | None:
    """What is left of a part once the rest is taken out: one name, however many words
    ("山田 090-… 太郎" is 山田 太郎)."""
    name = _tidy_name(rest)
    if _is_code(unicodedata.normalize("NFKC", name)):  # "000@": marks hid a number
        return Identifier(text=name, kind=KIND_NUMBER, normalized=number_key(name))
    key = name_key(name) if name else ""
    return Identifier(text=name, kind=KIND_TEXT, normalized=key) if _matchable(key) else None


_SETTLE_ROUNDS = 3  # each round reads a shorter name; real text settles in one


def _part(part: str, *, rounds: int = _SETTLE_ROUNDS) -> list[Identifier]:
    folded = _Folded(part)
    shaped = [*_emails(folded), *_phones(folded), *_numbers(folded)]
    name = _name(folded.rest())
    names = [name] if name else []
    if rounds:
        # A name is what the desk's modal shows on a line of its own: read alone, it must stay
        # what it is. Context can hide a number in it ("5678#" after a phone the matcher
        # refused): then the name stands for what it holds, read once more.
        settled: list[Identifier] = []
        for name in names:
            again = _part(name.text, rounds=rounds - 1)
            settled += [name] if _same(again, name) else again
        names = settled
    return [*names, *(identifier for _, identifier in sorted(shaped, key=lambda f: f[0]))]


def _same(found: list[Identifier], identifier: Identifier) -> bool:
    return [(i.kind, i.normalized) for i in found] == [(identifier.kind, identifier.normalized)]


def extract_identifiers(text: str) -> list[Identifier]:
    """Every identifier in free text: for each line or comma-separated part, the name left once
    e-mail addresses, phone numbers and membership or order numbers (found by their shape) are
    taken out, then those in the order written. One identifier per key."""
    unique: dict[str, Identifier] = {}
    for part in _PARTS.split(text):
        if part.strip():
            for identifier in _part(part):
                unique.setdefault(identifier.normalized, identifier)
    return list(unique.values())
