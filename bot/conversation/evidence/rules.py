"""What evidence is accepted: Slack's file_input limits (10 files, 10 MB each) and a short list
of refused types (programs and scripts, which no desk should open)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

MAX_FILES = 10
MAX_BYTES = 10 * 1024 * 1024  # "10 MB" (docs); MiB here, the larger reading
REFUSED_TYPES = frozenset(
    {"exe", "bat", "cmd", "com", "msi", "scr", "js", "vbs", "ps1", "sh", "jar", "apk", "dll",
     "app", "dmg", "pkg", "deb", "rpm", "lnk", "hta", "wsf", "reg", "iso"}
)  # fmt: skip
IMAGE_FORMATS = {"png": "PNG", "jpg": "JPEG", "jpeg": "JPEG", "gif": "GIF", "webp": "WEBP",
                 "tiff": "TIFF", "tif": "TIFF", "bmp": "BMP"}  # fmt: skip


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
    name = str(raw.get("name") or raw.get("title") or file_id)
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


def image_format(name: str, filetype: str, mimetype: str) -> str | None:
    """The Pillow format of an image we must strip, or None for other files."""
    for key in (filetype, extension(name)):
        if key in IMAGE_FORMATS:
            return IMAGE_FORMATS[key]
    if mimetype.startswith("image/"):
        return IMAGE_FORMATS.get(mimetype.split("/", 1)[1].lower())
    return None
