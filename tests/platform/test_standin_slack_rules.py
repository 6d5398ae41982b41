"""The stand-in refuses what Slack would, and records what Slack accepts against its own spec:
a reply's ts used as a thread's parent (/work/shared/slack/methods/chat.postMessage.json,
files.completeUploadExternal.json: "use its parent instead"; no error code exists for it),
chat.delete of a message the bot did not post, and a files.completeUploadExternal whose
`files` entries hold keys the spec does not list, ids not issued, or a length other than the
bytes uploaded (methods/files.*.json, blockkit_limits.json `methods`)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests
from slack_sdk import WebClient

from bot.standin import SlackStandIn
from tests.platform.standin_support import api_error, bare_workspace, web_client


@pytest.fixture
def slack() -> Iterator[SlackStandIn]:
    with bare_workspace() as standin:
        yield standin


@pytest.fixture
def client(slack: SlackStandIn) -> WebClient:
    return web_client(slack)


def test_a_reply_named_as_thread_parent_is_posted_as_slack_does_and_recorded(
    slack: SlackStandIn, client: WebClient
) -> None:
    parent = client.chat_postMessage(channel="C1", text="case")["ts"]
    reply = client.chat_postMessage(channel="C1", text="first", thread_ts=parent)["ts"]
    assert slack.violations == []  # the parent's ts: as the spec asks
    wrong = client.chat_postMessage(channel="C1", text="second", thread_ts=reply)
    assert wrong["ok"]  # Slack answers no error for it ...
    assert [m["ts"] for m in slack.replies("C1", parent)] == [reply, wrong["ts"]]
    [violation] = slack.take_violations()  # ... but the stand-in keeps it
    assert "chat.postMessage" in violation and reply in violation and parent in violation
    assert slack.violations == []


def test_a_file_shared_under_a_reply_is_recorded(slack: SlackStandIn, client: WebClient) -> None:
    parent = client.chat_postMessage(channel="C1", text="case")["ts"]
    reply = client.chat_postMessage(channel="C1", text="first", thread_ts=parent)["ts"]
    client.files_upload_v2(channel="C1", thread_ts=reply, content=b"x", filename="x.txt")
    [violation] = slack.take_violations()
    assert "files.completeUploadExternal" in violation and reply in violation


def test_a_reporters_reply_named_as_parent_in_a_dm_is_recorded(
    slack: SlackStandIn, client: WebClient
) -> None:
    receipt = client.chat_postMessage(channel="U1", text="receipt")
    theirs = slack.post_user_message("U1", "my reply", thread_ts=receipt["ts"])
    client.chat_postMessage(channel=receipt["channel"], text="notice", thread_ts=theirs["ts"])
    assert len(slack.take_violations()) == 1


def test_a_violation_fails_the_test_when_the_stand_in_closes() -> None:
    with (
        pytest.raises(AssertionError, match="names a reply"),
        SlackStandIn(scopes=None) as slack,
    ):
        slack.add_channel("C1", "desk")
        client = WebClient(token=slack.bot_token, base_url=slack.api_url)
        parent = client.chat_postMessage(channel="C1", text="case")["ts"]
        reply = client.chat_postMessage(channel="C1", text="a", thread_ts=parent)["ts"]
        client.chat_postMessage(channel="C1", text="b", thread_ts=reply)


def test_chat_delete_of_a_reporters_dm_message_is_cant_delete_message(
    slack: SlackStandIn, client: WebClient
) -> None:
    theirs = slack.post_user_message("U1", "top-level, in their DM with the app")
    error = api_error(lambda: client.chat_delete(channel=theirs["channel"], ts=theirs["ts"]))
    assert error["error"] == "cant_delete_message"
    assert slack.find_message(theirs["channel"], theirs["ts"]) is not None
    # Also a violation: the app deletes only what it posted, so trying is already a mistake.
    [violation] = slack.take_violations()
    assert "chat.delete" in violation and theirs["ts"] in violation


def _upload(slack: SlackStandIn, client: WebClient, data: bytes, length: int) -> str:
    """Steps 1 and 2 of an external upload by hand: announce `length`, POST `data`."""
    ticket = client.files_getUploadURLExternal(filename="x.txt", length=length)
    posted = requests.post(str(ticket["upload_url"]), data=data, timeout=5)
    assert posted.status_code == 200
    return str(ticket["file_id"])


def test_complete_upload_refuses_entries_with_more_than_the_spec_lists(
    slack: SlackStandIn, client: WebClient
) -> None:
    file_id = _upload(slack, client, b"12345", 5)
    extras: list[dict[str, Any]] = [{"name": "x.txt"}, {"mimetype": "text/plain"}, {"title": 5}]
    for extra in extras:
        body = {"files": [{"id": file_id, "title": "x", **extra}]}
        error = api_error(lambda b=body: client.api_call("files.completeUploadExternal", json=b))
        assert error["error"] == "invalid_arguments", extra
        assert "/files/0" in error["response_metadata"]["messages"][0]
    # id, title and highlight_type (the spec's three) are accepted.
    entry: dict[str, str | None] = {"id": file_id, "title": "x", "highlight_type": "text"}
    done = client.files_completeUploadExternal(files=[entry], channel_id="C1")
    assert done["files"] == [{"id": file_id, "title": "x"}]


def test_complete_upload_refuses_ids_not_issued(slack: SlackStandIn, client: WebClient) -> None:
    error = api_error(lambda: client.files_completeUploadExternal(files=[{"id": "FNOTOURS"}]))
    assert error["error"] == "file_not_found"
    # Issued but its bytes never POSTed, or completed already: not a file either.
    ticket = client.files_getUploadURLExternal(filename="x.txt", length=1)
    never: list[dict[str, str | None]] = [{"id": ticket["file_id"]}]
    assert api_error(lambda: client.files_completeUploadExternal(files=never))["error"] == (
        "file_not_found"
    )
    file_id = _upload(slack, client, b"1", 1)
    assert client.files_completeUploadExternal(files=[{"id": file_id}])["ok"]
    again: list[dict[str, str | None]] = [{"id": file_id}]
    assert api_error(lambda: client.files_completeUploadExternal(files=again))["error"] == (
        "file_not_found"
    )


def test_complete_upload_refuses_a_length_other_than_the_bytes_uploaded(
    slack: SlackStandIn, client: WebClient
) -> None:
    for data, length in ((b"1234", 5), (b"123456", 5)):
        file_id = _upload(slack, client, data, length)
        error = api_error(
            lambda f=file_id: client.files_completeUploadExternal(
                files=[{"id": f}], channel_id="C1"
            )
        )
        assert error["error"] == "file_not_found"
        assert f"{len(data)} bytes" in error["response_metadata"]["messages"][0]
    assert slack.messages("C1") == []
