"""What evidence is accepted: Slack's file_input limits (10 files, 10 MB each), names a person
can read safely, and the limits of the work done on a file's bytes.

The names and types Slack reports are only used to refuse early (an empty file, one over 10 MB,
a program by its name): what a file is gets decided by its bytes, in `clean.py`.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any

MAX_FILES = 10
MAX_BYTES = 10 * 1024 * 1024  # "10 MB" (docs); MiB here, the larger reading
REFUSED_TYPES = frozenset(
    {"exe", "bat", "cmd", "com", "msi", "scr", "js", "vbs", "ps1", "sh", "jar", "apk", "dll",
     "app", "dmg", "pkg", "deb", "rpm", "lnk", "hta", "wsf", "reg", "iso"}
)  # fmt: skip
# The child that types and cleans a file: its address space and its time. A 50 Mpx photo
# decodes, transposes and re-encodes in ~700 MB; the bombs are refused from their headers.
WORK_MEMORY_BYTES = 1536 * 1024 * 1024
WORK_TIMEOUT_S = 30


@dataclass(frozen=True)
class OfferedFile:
    """A file as Slack describes it in an event or a submission (or a stub: no details)."""

    file_id: str
    name: str
    mimetype: str
    filetype: str
    size: int | None  # None for a stub: known only after files.info
    url: str | None

    @property
    def is_stub(self) -> bool:
        return self.size is None


def offered(raw: dict[str, Any]) -> OfferedFile | None:
    file_id = raw.get("id")
    if not isinstance(file_id, str) or not file_id:
        return None
    if raw.get("file_access") == "check_file_info" or "size" not in raw:
        return OfferedFile(file_id, "", "", "", None, None)
    name = safe_name(str(raw.get("name") or raw.get("title") or "")) or file_id
    url = raw.get("url_private_download") or raw.get("url_private")
    return OfferedFile(
        file_id=file_id,
        name=name[:255],
        mimetype=str(raw.get("mimetype") or "")[:128],
        filetype=str(raw.get("filetype") or extension(name)).lower(),
        size=int(raw.get("size") or 0),
        url=str(url) if url else None,
    )


def extension(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def refusal(name: str, filetype: str, size: int) -> str | None:
    """Why a file is refused (a catalogue suffix under evidence.refusal.), or None."""
    if size <= 0:
        return "empty"
    if size > MAX_BYTES:
        return "too_large"
    if filetype in REFUSED_TYPES or extension(name) in REFUSED_TYPES:
        return "type"
    return None


def safe_name(name: str) -> str:
    """The name without control or format characters: a right-to-left override would show
    `report\u202efdp.html` as `reportlmth.pdf`, and zero-width characters hide what is there."""
    kept = "".join(c for c in name if unicodedata.category(c) not in ("Cc", "Cf", "Cs", "Co"))
    return " ".join(kept.split())


def neutral_name(ordinal: int, ext: str = "") -> str:
    """What the desk sees of an anonymous reporter's file: a file name can carry their name, the
    device's clock (a screenshot's time, so their time zone) or where it was taken."""
    return f"evidence-{ordinal}.{ext}" if ext else f"evidence-{ordinal}"


def with_extension(name: str, ext: str) -> str:
    """The name with the extension of what the file is (its bytes), not what it was called."""
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return f"{stem or 'evidence'}.{ext}"
