"""Envelope encryption primitives: the key-encryption key (KEK), data keys, sealed values.

Every case (and every customer record) has its own random 256-bit data key. Free text is
sealed with it by AES-256-GCM; the associated data names the table, the column and the
subject (case or customer) it belongs to, so a ciphertext copied to another case, table or
column does not open. The data key is stored wrapped (AES-256-GCM again) by the KEK, which
never touches the database: only its check value does (`check_value`), so that a start with
another key is refused instead of failing case by case.

Sealed text is `hd1:` + base64(nonce ‖ ciphertext ‖ tag); a sealed JSON value is
`{"hd1": "<the same>"}`, so JSON columns stay JSON.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

KEY_BYTES = 32
NONCE_BYTES = 12
PREFIX = "hd1:"
JSON_KEY = "hd1"


class Unreadable(Exception):
    """A sealed value that does not open: wrong key, moved, or damaged (never says what)."""


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    # Not validating: the AEAD tag rejects anything altered, at a tenth of the cost.
    try:
        return binascii.a2b_base64(text)
    except (binascii.Error, ValueError):
        raise Unreadable from None


def seal_bytes(key: AESGCM, plaintext: bytes, associated: bytes) -> str:
    nonce = os.urandom(NONCE_BYTES)
    return _b64(nonce + key.encrypt(nonce, plaintext, associated))


def open_bytes(key: AESGCM, token: str, associated: bytes) -> bytes:
    raw = _unb64(token)
    if len(raw) < NONCE_BYTES + 16:
        raise Unreadable
    try:
        return key.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], associated)
    except InvalidTag:
        raise Unreadable from None


def is_sealed_text(value: object) -> bool:
    return isinstance(value, str) and value.startswith(PREFIX)


def is_sealed_json(value: object) -> bool:
    return isinstance(value, dict) and len(value) == 1 and JSON_KEY in value


def seal_text(key: AESGCM, value: str, associated: bytes) -> str:
    return PREFIX + seal_bytes(key, value.encode("utf-8"), associated)


def open_text(key: AESGCM, value: str, associated: bytes) -> str:
    try:
        return open_bytes(key, value[len(PREFIX) :], associated).decode("utf-8")
    except UnicodeDecodeError:
        raise Unreadable from None


def seal_json(key: AESGCM, value: Any, associated: bytes) -> dict[str, str]:
    encoded = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return {JSON_KEY: seal_bytes(key, encoded, associated)}


def open_json(key: AESGCM, value: dict[str, str], associated: bytes) -> Any:
    try:
        return json.loads(open_bytes(key, value[JSON_KEY], associated))
    except (UnicodeDecodeError, ValueError, TypeError):
        raise Unreadable from None


def associated_data(table: str, column: str, subject: str, subject_id: int | None) -> bytes:
    """What a sealed value is bound to: its column and the case (or customer) it is about."""
    return f"hd1|{table}|{column}|{subject}:{subject_id or 0}".encode()


@dataclass(frozen=True)
class Kek:
    """The key-encryption key, read at start; `key_id` is its check value."""

    raw: bytes

    def __post_init__(self) -> None:
        if len(self.raw) != KEY_BYTES:
            raise ValueError("a key-encryption key is 32 bytes")

    def __repr__(self) -> str:  # never the key itself, in a traceback or a log
        return f"Kek({self.key_id})"

    @property
    def key_id(self) -> str:
        """A check value: HMAC of a fixed text, so it reveals nothing of the key."""
        return hmac.new(self.raw, b"harassment-desk key check", hashlib.sha256).hexdigest()[:32]

    def wrap(self, data_key: bytes, label: str) -> str:
        return seal_bytes(AESGCM(self.raw), data_key, f"hd1|data-key|{label}".encode())

    def unwrap(self, wrapped: str, label: str) -> bytes:
        return open_bytes(AESGCM(self.raw), wrapped, f"hd1|data-key|{label}".encode())


def new_data_key() -> bytes:
    return AESGCM.generate_key(bit_length=KEY_BYTES * 8)


def lookup_key(index_secret: bytes) -> bytes:
    """The HMAC key of the blind index, derived (HKDF-SHA256) from the stored index secret."""
    return HKDF(
        algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=b"hd1 customer lookup"
    ).derive(index_secret)


def blind_index(key: bytes, normalized: str) -> str:
    return hmac.new(key, normalized.encode("utf-8"), hashlib.sha256).hexdigest()


def parse_key_text(text: str) -> bytes:
    """A key as written in CASE_KEY_FILE / CASE_KEY: base64 of 32 bytes. ValueError otherwise."""
    try:
        raw = base64.b64decode(text.strip().encode("ascii"), validate=True)
    except (ValueError, UnicodeEncodeError):
        raise ValueError("is not base64") from None
    if len(raw) != KEY_BYTES:
        raise ValueError(f"holds {len(raw)} bytes, not {KEY_BYTES} (truncated or not a key)")
    return raw


def key_text(raw: bytes) -> str:
    return _b64(raw) + "\n"


# Unwrapped data keys a process keeps (the most recently used).
UNWRAPPED_KEPT = 4096


@dataclass
class KeyRing:
    """The key-encryption key and what is derived from it, built once at start."""

    kek: Kek
    unreadable: str = "(this record cannot be read)"
    index_key: bytes = b""
    # Unwrapped data keys shared by this process's sessions (most recently used kept): every
    # delivery opens its case in a session of its own. A key made or shredded here updates it;
    # making a key always asks the database, never this cache.
    _unwrapped: OrderedDict[tuple[str, int], AESGCM] = field(init=False)
    _lock: threading.Lock = field(init=False)

    def __post_init__(self) -> None:
        self._unwrapped = OrderedDict()
        self._lock = threading.Lock()

    def cached(self, subject: tuple[str, int]) -> AESGCM | None:
        with self._lock:
            key = self._unwrapped.get(subject)
            if key is not None:
                self._unwrapped.move_to_end(subject)
            return key

    def remember(self, subject: tuple[str, int], key: AESGCM | None) -> None:
        with self._lock:
            if key is None:
                self._unwrapped.pop(subject, None)
                return
            self._unwrapped[subject] = key
            if len(self._unwrapped) > UNWRAPPED_KEPT:
                self._unwrapped.popitem(last=False)

    def lookup(self, normalized: str) -> str:
        """The blind index of a normalised customer identifier."""
        if not self.index_key:
            raise RuntimeError("the key ring has no index key yet (open_keyring sets it)")
        return blind_index(self.index_key, normalized)
