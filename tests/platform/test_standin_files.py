"""The stand-in's files, downloads, chat.delete, scopes and DM event helpers, held to Slack's
specs (/work/shared/slack/methods/files.*.json, blockkit_limits.json `methods`/`elements`)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from slack_bolt import App
from slack_sdk import WebClient

from bot.standin import SlackRequestSender, SlackStandIn
from bot.standin.server import manifest_scopes
from tests.platform.standin_support import api_error, bare_workspace, web_client


@pytest.fixture
def slack() -> Iterator[SlackStandIn]:
    with bare_workspace() as standin:
        yield standin


@pytest.fixture
def client(slack: SlackStandIn) -> WebClient:
    return web_client(slack)


def test_files_upload_v2_runs_the_three_steps_and_keeps_the_bytes(
    slack: SlackStandIn, client: WebClient
) -> None:
    parent = client.chat_postMessage(channel="C1", text="case")["ts"]
    response = client.files_upload_v2(
        channel="C1", thread_ts=parent, content=b"\x89PNG fake", filename="photo.png", title="p"
    )
    file_id = response["file"]["id"]
    assert [c.method for c in slack.calls][-3:] == [
        "files.getUploadURLExternal",
        "files.upload",
        "files.completeUploadExternal",
    ]
    assert slack.calls_to("files.upload")[0].token is None  # slack_sdk sends no auth there
    assert slack.file_bytes(file_id) == b"\x89PNG fake"
    reply = slack.replies("C1", parent)[-1]
    assert reply["files"][0]["id"] == file_id
    assert reply["user"] == slack.BOT_USER_ID
    info = client.files_info(file=file_id)["file"]
    assert info["user"] == slack.BOT_USER_ID and info["size"] == 9 and info["title"] == "p"
    assert info["shares"]["private"]["C1"][0]["thread_ts"] == parent


def test_upload_errors_follow_the_spec(slack: SlackStandIn, client: WebClient) -> None:
    assert api_error(lambda: client.files_getUploadURLExternal(filename="a", length=0)) == {
        "ok": False,
        "error": "missing_argument",
    }
    error = api_error(
        lambda: client.files_getUploadURLExternal(filename="a", length=1, alt_txt="x" * 1001)
    )
    assert error["error"] == "alt_txt_too_large"
    started = client.files_getUploadURLExternal(filename="a.txt", length=3)
    # Completing before the bytes were posted: Slack has no such file yet.
    only = [{"id": started["file_id"]}]
    error = api_error(lambda: client.files_completeUploadExternal(files=only))
    assert error["error"] == "file_not_found"
    requests.post(started["upload_url"], data=b"abc", timeout=5).raise_for_status()
    error = api_error(
        lambda: client.files_completeUploadExternal(
            files=[{"id": started["file_id"]}], channels=["C1", "C2"], thread_ts="1.0"
        )
    )
    assert error["error"] == "invalid_arguments"  # thread_ts takes one channel only
    done = client.files_completeUploadExternal(files=[{"id": started["file_id"]}])
    assert done["files"] == [{"id": started["file_id"], "title": "a.txt"}]
    assert slack.messages("C1") == []  # without a channel the file stays private


def test_download_needs_the_bot_token(slack: SlackStandIn) -> None:
    obj = slack.add_file("U1", "quote.pdf", b"%PDF-1.4 quote", mimetype="application/pdf")
    url = obj["url_private_download"]
    bare = requests.get(url, timeout=5, allow_redirects=False)
    assert bare.status_code == 302 and "signin" in bare.headers["Location"]
    followed = requests.get(url, timeout=5)
    assert followed.headers["Content-Type"].startswith("text/html")  # the sign-in page
    good = requests.get(url, headers={"Authorization": f"Bearer {slack.bot_token}"}, timeout=5)
    assert good.status_code == 200 and good.content == b"%PDF-1.4 quote"
    assert good.headers["Content-Type"] == "application/pdf"
    downloads = slack.calls_to("files.download")
    assert [c.status for c in downloads] == [302, 302, 200]
    assert downloads[-1].token == slack.bot_token and downloads[-1].args["file"] == obj["id"]


def test_download_faults_and_latency(slack: SlackStandIn) -> None:
    obj = slack.add_file("U1", "a.txt", b"abc")
    auth = {"Authorization": f"Bearer {slack.bot_token}"}
    slack.fail("files.download", status=500)
    assert requests.get(obj["url_private"], headers=auth, timeout=5).status_code == 500
    assert requests.get(obj["url_private"], headers=auth, timeout=5).content == b"abc"
    slack.set_latency("files.download", 1.0)
    with pytest.raises(requests.Timeout):
        requests.get(obj["url_private"], headers=auth, timeout=0.2)


def test_files_delete_only_the_bots_own(slack: SlackStandIn, client: WebClient) -> None:
    theirs = slack.add_file("U1", "a.txt", b"abc")
    assert api_error(lambda: client.files_delete(file=theirs["id"]))["error"] == "cant_delete_file"
    mine = client.files_upload_v2(channel="C1", content=b"x", filename="x.txt")["file"]["id"]
    assert client.files_delete(file=mine)["ok"]
    assert api_error(lambda: client.files_delete(file=mine))["error"] == "file_deleted"
    assert api_error(lambda: client.files_info(file=mine))["error"] == "file_deleted"
    assert api_error(lambda: client.files_info(file="FNOPE"))["error"] == "file_not_found"
    assert slack.messages("C1")[-1]["files"] == [{"id": mine, "mode": "tombstone"}]
    assert slack.file_bytes(mine) is None


def test_chat_delete_only_the_bots_own_messages(slack: SlackStandIn, client: WebClient) -> None:
    mine = client.chat_postMessage(channel="U1", text="hello")
    theirs = slack.post_user_message("U1", "hi", thread_ts=mine["ts"])
    error = api_error(lambda: client.chat_delete(channel=mine["channel"], ts=theirs["ts"]))
    assert error["error"] == "cant_delete_message"
    assert len(slack.take_violations()) == 1  # refused, and recorded as a violation too
    reply = client.chat_postMessage(channel=mine["channel"], text="reply", thread_ts=mine["ts"])
    assert client.chat_delete(channel=mine["channel"], ts=reply["ts"])["ok"]
    assert [m["ts"] for m in slack.replies(mine["channel"], mine["ts"])] == [theirs["ts"]]
    assert client.chat_delete(channel=mine["channel"], ts=mine["ts"])["ok"]
    assert slack.messages(mine["channel"])[0]["subtype"] == "tombstone"  # it had a reply
    error = api_error(lambda: client.chat_delete(channel=mine["channel"], ts=mine["ts"]))
    assert error["error"] == "message_not_found"


def test_missing_scope_answers_like_slack() -> None:
    with SlackStandIn(scopes={"chat:write", "im:write"}) as slack:
        slack.add_user("U1")
        slack.add_channel("C1", members=["U1"])
        client = WebClient(token=slack.bot_token, base_url=slack.api_url)
        error = api_error(lambda: client.files_getUploadURLExternal(filename="a", length=1))
        assert error == {
            "ok": False,
            "error": "missing_scope",
            "needed": "files:write",
            "provided": "chat:write,im:write",
        }
        # A conversation method needs the scope of the channel's type.
        assert api_error(lambda: client.conversations_members(channel="C1"))["needed"] == (
            "groups:read"
        )
        dm = client.conversations_open(users="U1")["channel"]["id"]
        assert api_error(lambda: client.conversations_history(channel=dm))["needed"] == (
            "im:history"
        )
        obj = slack.add_file("U1", "a.txt", b"abc")
        auth = {"Authorization": f"Bearer {slack.bot_token}"}
        got = requests.get(obj["url_private"], headers=auth, timeout=5, allow_redirects=False)
        assert got.status_code == 302  # no files:read: no file


def test_default_scopes_are_the_manifests(slack: SlackStandIn) -> None:
    scopes = manifest_scopes()
    assert scopes is not None and "chat:write" in scopes
    assert slack.scopes == scopes


def test_file_input_only_in_modal_input_blocks_and_needs_files_read() -> None:
    element = {"type": "file_input", "action_id": "f", "max_files": 11}
    block = {"type": "input", "block_id": "b", "label": {"type": "plain_text", "text": "F"}}
    view = {
        "type": "modal",
        "title": {"type": "plain_text", "text": "T"},
        "submit": {"type": "plain_text", "text": "S"},
        "blocks": [{**block, "element": element}],
    }
    with SlackStandIn(scopes={"chat:write"}) as slack:
        client = WebClient(token=slack.bot_token, base_url=slack.api_url)
        trigger = slack.new_trigger_id("U1")
        error = api_error(lambda: client.views_open(trigger_id=trigger, view=view))
        assert error["error"] == "missing_scope" and error["needed"] == "files:read"
    with SlackStandIn(scopes=None) as slack:
        client = WebClient(token=slack.bot_token, base_url=slack.api_url)
        error = api_error(lambda: client.views_open(trigger_id=slack.new_trigger_id(), view=view))
        assert error["error"] == "invalid_arguments"
        assert "max_files" in json.dumps(error)
        element["max_files"] = 10
        home = {**view, "type": "home"}
        home.pop("title"), home.pop("submit")
        error = api_error(lambda: client.views_publish(user_id="U1", view=home))
        assert "file_input" in json.dumps(error)
        assert client.views_open(trigger_id=slack.new_trigger_id(), view=view)["ok"]


def test_dm_helpers_deliver_message_im_events(slack: SlackStandIn) -> None:
    """The sender's DM helpers produce events Bolt routes like Slack's (subtypes included)."""
    seen: list[dict[str, Any]] = []
    app = App(
        signing_secret="s",
        client=WebClient(token=slack.bot_token, base_url=slack.api_url),
        token_verification_enabled=False,
    )
    app.message("")(lambda message: seen.append(message))
    app.event({"type": "message", "subtype": "message_changed"})(lambda event: seen.append(event))
    app.event({"type": "message", "subtype": "message_deleted"})(lambda event: seen.append(event))
    sender = SlackRequestSender("http://127.0.0.1:9/", "s", standin=slack)
    client = WebClient(token=slack.bot_token, base_url=slack.api_url)
    root = client.chat_postMessage(channel="U1", text="receipt")
    obj = slack.add_file("U1", "a.png", b"png")
    message = slack.post_user_message("U1", "look &lt;here&gt;", thread_ts=root["ts"], files=[obj])
    event = sender.dm_event(message)
    assert event["channel"] == root["channel"] and event["channel_type"] == "im"
    assert event["thread_ts"] == root["ts"] and event["parent_user_id"] == slack.BOT_USER_ID
    assert event["subtype"] == "file_share" and event["files"][0]["id"] == obj["id"]
    changed = sender.message_changed_event(root["channel"], message["ts"], "edited")
    deleted = sender.message_deleted_event(root["channel"], message["ts"])
    assert changed["message"]["ts"] == message["ts"] and changed["previous_message"]["text"]
    assert deleted["deleted_ts"] == message["ts"]
    assert slack.find_message(root["channel"], message["ts"]) is None
    for body in (event, changed, deleted):
        envelope = sender.event_envelope(body)
        from slack_bolt import BoltRequest

        app.dispatch(BoltRequest(body=json.dumps(envelope), mode="socket_mode"))
    # Bolt runs listeners off the dispatching thread: wait for all three.
    slack.wait_for(lambda: len(seen) == 3)
    assert sorted(str(e.get("subtype")) for e in seen) == [
        "file_share",
        "message_changed",
        "message_deleted",
    ]
    client.reactions_add(channel=root["channel"], timestamp=root["ts"], name="white_check_mark")
