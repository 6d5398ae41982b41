"""Uploading a file the app made (an export, a chart) with Slack's external upload."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient

from bot.slack.threads import ThreadParent


def upload_file(
    client: WebClient,
    *,
    channel: str,
    filename: str,
    content: bytes,
    title: str,
    comment: str,
    thread_ts: ThreadParent | None = None,
) -> tuple[str, str]:
    """files_upload_v2: files.getUploadURLExternal, POST of the bytes, completeUploadExternal.

    `channel` may be a user id: their DM with the app is opened first.
    """
    if channel.startswith(("U", "W")):
        opened = client.conversations_open(users=channel)
        channel = str(opened["channel"]["id"])
    arguments: dict[str, Any] = {
        "channel": channel,
        "filename": filename,
        "content": content,
        "title": title,
        "initial_comment": comment,
    }
    if thread_ts:
        arguments["thread_ts"] = thread_ts
    response = client.files_upload_v2(**arguments)
    uploaded = response.get("files") or [response.get("file") or {}]
    return channel, str(uploaded[0].get("id", "")) if uploaded else ""
