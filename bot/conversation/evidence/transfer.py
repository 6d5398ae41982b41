"""Moving one evidence file: download with the bot token, strip, upload the copy.

Downloads use `url_private_download` with `Authorization: Bearer <bot token>` (files:read).
Slack answers a request without a valid token with a redirect to its sign-in page, not the
file: redirects are not followed and count as a failed download. Uploads go through
`files_upload_v2` (getUploadURLExternal, POST, completeUploadExternal) into the case thread,
so the copy's uploader is the bot.
"""

from __future__ import annotations

import hashlib
import urllib.request
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient

from bot.conversation.evidence.rules import MAX_BYTES, image_format
from bot.conversation.evidence.scrub import strip_metadata

DOWNLOAD_TIMEOUT_S = 30


class DownloadError(OSError):
    """The file could not be fetched (HTTP error, redirect to sign-in, wrong length)."""


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirects)


def download(url: str, token: str, timeout: float = DOWNLOAD_TIMEOUT_S) -> bytes:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            if response.status != 200:
                raise DownloadError(f"http_{response.status}")
            data: bytes = response.read(MAX_BYTES + 1)
    except urllib.error.HTTPError as exc:
        raise DownloadError(f"http_{exc.code}") from None
    if len(data) > MAX_BYTES:
        raise DownloadError("too_large")
    return data


@dataclass(frozen=True)
class PreparedCopy:
    data: bytes
    sha256: str  # of what the reporter sent
    copy_sha256: str  # of what the desk gets
    stripped: bool


def prepare(data: bytes, *, name: str, filetype: str, mimetype: str) -> PreparedCopy:
    """Hash the original, strip an image's metadata (raises UnreadableImage)."""
    original = hashlib.sha256(data).hexdigest()
    fmt = image_format(name, filetype, mimetype)
    copy = strip_metadata(data, fmt) if fmt else data
    return PreparedCopy(copy, original, hashlib.sha256(copy).hexdigest(), fmt is not None)


def upload(
    client: WebClient,
    *,
    channel: str,
    thread_ts: str,
    name: str,
    data: bytes,
    comment: str,
) -> str:
    """Upload the copy into the case thread; returns the copy's Slack file id."""
    response = client.files_upload_v2(
        channel=channel,
        thread_ts=thread_ts,
        content=data,
        filename=name,
        title=name,
        initial_comment=comment,
    )
    file: dict[str, Any] = response.get("file") or (response.get("files") or [{}])[0]
    return str(file.get("id") or "")
