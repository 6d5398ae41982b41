"""Moving one evidence file: download with the bot token, type and clean it in a capped child
process, upload the copy.

Downloads use `url_private_download` with `Authorization: Bearer <bot token>` (files:read), and
only from Slack's file host over https (or the configured API host: the stand-in in tests): a
URL in an event is data anyone with the signing secret can write, and the token must never go
to a host it names. Slack answers a request without a valid token with a redirect to its
sign-in page, not the file: redirects are not followed and count as a failed download.

Uploads are the three steps of `files_upload_v2` done one by one (getUploadURLExternal, POST,
completeUploadExternal), so that the file id Slack gives at the start can be recorded before the
copy becomes visible: a retry after a crash looks that id up instead of posting a second copy.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.conversation.evidence import clean
from bot.conversation.evidence.rules import MAX_BYTES, WORK_MEMORY_BYTES, WORK_TIMEOUT_S
from bot.slack.threads import ThreadParent

DOWNLOAD_TIMEOUT_S = 30
SLACK_FILE_HOST = "files.slack.com"
SLACK_FILE_PATH = "/files-pri/"
CLEAN_SCRIPT = Path(clean.__file__)


class DownloadError(OSError):
    """The file could not be fetched (HTTP error, redirect to sign-in, wrong length)."""


class Unacceptable(Exception):
    """The file is not copied: `reason` is a catalogue suffix under evidence.refusal."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirects)


def is_slack_file_url(url: str, api_url: str) -> bool:
    """True for Slack's own file host over https, or the host of the configured Web API (the
    stand-in in tests; config allows plain http only to a loopback address there)."""
    parts, api = urlsplit(url), urlsplit(api_url)
    if not parts.path.startswith(SLACK_FILE_PATH) or parts.username or parts.password:
        return False
    if parts.scheme == "https" and parts.hostname == SLACK_FILE_HOST and parts.port is None:
        return True
    return (parts.scheme, parts.hostname, parts.port) == (api.scheme, api.hostname, api.port)


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
    stripped: bool  # metadata removed (False for plain text, which has none)
    ext: str  # what the bytes are, not what the name said
    mime: str


def prepare(
    data: bytes,
    *,
    memory_bytes: int = WORK_MEMORY_BYTES,
    timeout: float = WORK_TIMEOUT_S,
) -> PreparedCopy:
    """Type the file by its bytes and remove its metadata in a child process capped in memory
    (RLIMIT_AS) and time; raises Unacceptable with the reason."""
    original = hashlib.sha256(data).hexdigest()
    command = [sys.executable, "-I", str(CLEAN_SCRIPT), str(memory_bytes), str(int(timeout) + 1)]
    try:
        done = subprocess.run(
            command, input=data, capture_output=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired:
        raise Unacceptable("too_complex") from None
    header, _, body = done.stdout.partition(b"\n")
    if done.returncode != 0 or not header:
        # Killed by its CPU limit, or out of memory under its cap: a file too costly to open.
        raise Unacceptable("too_complex")
    answer = json.loads(header)
    if not answer.get("ok"):
        raise Unacceptable(str(answer.get("reason") or "unreadable"))
    return PreparedCopy(
        data=body,
        sha256=original,
        copy_sha256=hashlib.sha256(body).hexdigest(),
        stripped=bool(answer.get("removed")),
        ext=str(answer["ext"]),
        mime=str(answer["mime"]),
    )


def upload(
    client: WebClient,
    *,
    channel: str,
    thread_ts: ThreadParent,
    name: str,
    data: bytes,
    comment: str,
    started: Callable[[str], None],
) -> str:
    """Upload the copy into the case thread; returns the copy's Slack file id. `started` gets
    the file id before the upload is completed (shared), so that it can be recorded first."""
    begun = client.files_getUploadURLExternal(filename=name, length=len(data))
    file_id, upload_url = str(begun["file_id"]), str(begun["upload_url"])
    started(file_id)
    request = urllib.request.Request(
        upload_url, data=data, headers={"Content-Type": "application/octet-stream"}
    )
    with _OPENER.open(request, timeout=DOWNLOAD_TIMEOUT_S) as response:
        if response.status != 200:
            raise DownloadError(f"upload_http_{response.status}")
    client.files_completeUploadExternal(
        files=[{"id": file_id, "title": name}],
        channel_id=channel,
        thread_ts=thread_ts,
        initial_comment=comment,
    )
    return file_id


def shared_in(client: WebClient, file_id: str, channel: str) -> bool:
    """Whether an upload the bot started was completed into `channel` (before a crash)."""
    try:
        info = client.files_info(file=file_id)
    except SlackApiError as exc:
        if exc.response.get("error") in ("file_not_found", "file_deleted"):
            return False
        raise
    file = info.get("file") or {}
    shares = file.get("shares") or {}
    in_shares = any(channel in (scope or {}) for scope in shares.values())
    listed = channel in (file.get("channels") or []) + (file.get("groups") or [])
    return in_shares or listed


def forget_upload(client: WebClient, file_id: str) -> None:
    """Delete an upload the bot started and never completed (best effort: it is not shown)."""
    try:
        client.files_delete(file=file_id)
    except SlackApiError as exc:
        if exc.response.get("error") not in ("file_not_found", "file_deleted"):
            raise
