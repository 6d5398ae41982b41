"""Tests for the Slack stand-in (bot/standin), mostly through slack_sdk's WebClient."""

from __future__ import annotations

import json
import threading
import time
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest
from slack_bolt import App, BoltRequest
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot.standin import (
    SlackRequestSender,
    SlackStandIn,
    build_state_values,
    validate_message_blocks,
    validate_view,
)

SECRET = "test-signing-secret"


def section(text: str, **extra: Any) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}, **extra}


def modal(blocks: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    title = {"type": "plain_text", "text": "Report"}
    submit = {"type": "plain_text", "text": "Send"}
    return {"type": "modal", "title": title, "submit": submit, "blocks": blocks, **extra}


def api_error(call: Any) -> dict[str, Any]:
    with pytest.raises(SlackApiError) as info:
        call()
    data: dict[str, Any] = info.value.response.data
    return data


@pytest.fixture
def slack() -> Iterator[SlackStandIn]:
    with SlackStandIn(scopes=None) as standin:  # every scope: these test other rules
        standin.add_user("U1", "aiko", tz="Asia/Tokyo", locale="ja-JP")
        standin.add_user("U2", "ben", tz="America/New_York", locale="en-US")
        standin.add_channel("C1", "desk", members=["U1", "U2"])
        standin.add_channel("CPUB", "general", is_private=False, members=["U1"])
        yield standin


@pytest.fixture
def client(slack: SlackStandIn) -> WebClient:
    return WebClient(token=slack.bot_token, base_url=slack.api_url)


# --------------------------------------------------------------------------- transport and auth
def test_lifecycle_and_urls() -> None:
    standin = SlackStandIn(scopes=None).start()
    try:
        assert standin.api_url == f"http://127.0.0.1:{standin.port}/api/"
        assert WebClient(token="xoxb-test-token", base_url=standin.api_url).auth_test()["ok"]
    finally:
        standin.stop()
    with pytest.raises(OSError):
        urllib.request.urlopen(standin.api_url + "auth.test", timeout=1)


def test_auth_test_identity(client: WebClient) -> None:
    data = client.auth_test()
    assert data["ok"] is True and data["user_id"] == "UBOT" and data["bot_id"] == "BBOT"
    assert data["team_id"] == "T0001" and data["url"].startswith("https://") and data["team"]


def test_auth_errors_and_unknown_method(slack: SlackStandIn) -> None:
    assert api_error(WebClient(base_url=slack.api_url).auth_test)["error"] == "not_authed"
    bad = WebClient(token="xoxb-wrong", base_url=slack.api_url)
    assert api_error(bad.auth_test)["error"] == "invalid_auth"
    good = WebClient(token=slack.bot_token, base_url=slack.api_url)
    assert api_error(lambda: good.api_call("no.such.method"))["error"] == "unknown_method"
    wrong_type = api_error(lambda: good.apps_connections_open(app_token=slack.bot_token))
    assert wrong_type["error"] == "not_allowed_token_type"
    assert good.apps_connections_open(app_token=slack.app_token)["url"].startswith(
        "ws://127.0.0.1:"
    )


def test_token_form_field_and_json_body(slack: SlackStandIn) -> None:
    form = b"token=xoxb-test-token&channel=C1&text=from+form"
    req = urllib.request.Request(slack.api_url + "chat.postMessage", data=form)
    with urllib.request.urlopen(req) as resp:
        assert resp.status == 200 and json.loads(resp.read())["ok"] is True
    body = json.dumps({"channel": "C1", "text": "from json"}).encode()
    headers = {"Content-Type": "application/json", "Authorization": "Bearer xoxb-test-token"}
    req = urllib.request.Request(slack.api_url + "chat.postMessage", data=body, headers=headers)
    with urllib.request.urlopen(req) as resp:
        assert json.loads(resp.read())["ok"] is True
    assert [m["text"] for m in slack.messages("C1")] == ["from form", "from json"]
    assert all(c.token == "xoxb-test-token" and "token" not in c.args for c in slack.calls)


@pytest.mark.filterwarnings("ignore:The top-level `text`")
def test_missing_required_arguments(client: WebClient) -> None:
    assert api_error(lambda: client.api_call("chat.postMessage", json={"text": "x"}))["error"] == (
        "channel_not_found"
    )
    assert api_error(lambda: client.chat_postMessage(channel="C1"))["error"] == "no_text"
    assert api_error(lambda: client.api_call("users.info"))["error"] == "user_not_found"
    data = api_error(lambda: client.api_call("views.publish", json={"view": {"type": "home"}}))
    assert data["error"] == "invalid_arguments"
    assert data["response_metadata"]["messages"] == ["[ERROR] missing required field: user_id"]


# --------------------------------------------------------------------------- users, conversations
def test_users_info_locale_and_tz(client: WebClient) -> None:
    user = client.users_info(user="U1")["user"]
    assert user["tz"] == "Asia/Tokyo" and user["tz_offset"] == 9 * 3600 and "locale" not in user
    assert client.users_info(user="U1", include_locale=True)["user"]["locale"] == "ja-JP"
    assert client.users_info(user="UBOT")["user"]["is_bot"] is True
    assert api_error(lambda: client.users_info(user="UNOPE"))["error"] == "user_not_found"


def test_conversations_info_members_and_open(slack: SlackStandIn, client: WebClient) -> None:
    info = client.conversations_info(channel="C1")["channel"]
    assert info["id"] == "C1" and info["is_private"] is True and info["is_member"] is True
    slack.add_channel("C2", "big", members=[f"U{i:03d}" for i in range(250)])
    members, cursor, pages = [], None, 0
    while True:
        page = client.conversations_members(channel="C2", limit=100, cursor=cursor)
        members += page["members"]
        pages += 1
        cursor = page["response_metadata"]["next_cursor"]
        if not cursor:
            break
    assert pages == 3 and len(members) == 251 and "UBOT" in members
    assert api_error(lambda: client.conversations_members(channel="C1", cursor="junk"))[
        "error"
    ] == ("invalid_cursor")
    dm = client.conversations_open(users="U1")["channel"]["id"]
    assert dm == "DU1" == client.conversations_open(users="U1")["channel"]["id"]
    assert client.conversations_info(channel=dm)["channel"]["is_im"] is True
    assert api_error(lambda: client.conversations_open(users="UNOPE"))["error"] == "user_not_found"
    assert api_error(lambda: client.conversations_info(channel="CNOPE"))["error"] == (
        "channel_not_found"
    )


def test_usergroups_users_list(slack: SlackStandIn, client: WebClient) -> None:
    slack.add_usergroup("S1", ["U1", "U2"])
    assert client.usergroups_users_list(usergroup="S1")["users"] == ["U1", "U2"]
    assert api_error(lambda: client.usergroups_users_list(usergroup="S9"))["error"] == (
        "no_such_subteam"
    )


# --------------------------------------------------------------------------- messages
def test_post_message_channel_rules(slack: SlackStandIn, client: WebClient) -> None:
    slack.add_channel("CHID", "hidden", bot_is_member=False)
    slack.add_channel("COUT", "open", is_private=False, bot_is_member=False)
    post = client.chat_postMessage
    assert api_error(lambda: post(channel="CNOPE", text="x"))["error"] == "channel_not_found"
    assert api_error(lambda: post(channel="CHID", text="x"))["error"] == "channel_not_found"
    assert api_error(lambda: post(channel="COUT", text="x"))["error"] == "not_in_channel"
    assert post(channel="U1", text="to a user id")["channel"] == "DU1"
    assert slack.dms("U1")[0]["text"] == "to a user id"


def test_threads_ts_and_metadata(slack: SlackStandIn, client: WebClient) -> None:
    meta = {"event_type": "case_created", "event_payload": {"case": 7}}
    parent = client.chat_postMessage(channel="C1", text="case", metadata=meta)
    assert parent["message"]["metadata"] == meta
    tss = [parent["ts"]]
    for i in range(3):
        reply = client.chat_postMessage(channel="C1", text=f"r{i}", thread_ts=parent["ts"])
        tss.append(reply["ts"])
    assert tss == sorted(tss, key=float) and len(set(tss)) == 4
    assert len(slack.messages("C1")) == 1 and len(slack.replies("C1", parent["ts"])) == 3
    assert slack.find_message("C1", parent["ts"])["reply_count"] == 3  # type: ignore[index]
    history = client.conversations_history(channel="C1")["messages"]
    assert "metadata" not in history[0]
    history = client.conversations_history(channel="C1", include_all_metadata=True)["messages"]
    assert history[0]["metadata"] == meta
    replies = client.conversations_replies(channel="C1", ts=parent["ts"], include_all_metadata=True)
    assert [m["text"] for m in replies["messages"]] == ["case", "r0", "r1", "r2"]
    assert replies["messages"][0]["metadata"] == meta
    bad = api_error(lambda: client.chat_postMessage(channel="C1", text="x", thread_ts="1.2"))
    assert bad["error"] == "thread_not_found"


def test_history_pagination_newest_first(client: WebClient) -> None:
    for i in range(5):
        client.chat_postMessage(channel="C1", text=str(i))
    first = client.conversations_history(channel="C1", limit=3)
    assert [m["text"] for m in first["messages"]] == ["4", "3", "2"] and first["has_more"]
    cursor = first["response_metadata"]["next_cursor"]
    second = client.conversations_history(channel="C1", limit=3, cursor=cursor)
    assert [m["text"] for m in second["messages"]] == ["1", "0"] and not second["has_more"]


def test_update_ephemeral_permalink_reactions(slack: SlackStandIn, client: WebClient) -> None:
    ts = client.chat_postMessage(channel="C1", text="v1")["ts"]
    updated = client.chat_update(channel="C1", ts=ts, text="v2", blocks=[section("v2")])
    assert updated["ts"] == ts and slack.find_message("C1", ts)["text"] == "v2"  # type: ignore[index]
    assert slack.calls_to("chat.postMessage")[0].response["message"]["text"] == "v1"  # a snapshot
    assert api_error(lambda: client.chat_update(channel="C1", ts="1.1", text="x"))["error"] == (
        "message_not_found"
    )
    client.chat_postEphemeral(channel="C1", user="U2", text="only you")
    assert [e["text"] for e in slack.ephemerals("U2")] == ["only you"] and not slack.ephemerals(
        "U1"
    )
    assert api_error(lambda: client.chat_postEphemeral(channel="CPUB", user="U2", text="x"))[
        "error"
    ] == ("user_not_in_channel")
    link = client.chat_getPermalink(channel="C1", message_ts=ts)["permalink"]
    assert link.endswith(f"/archives/C1/p{ts.replace('.', '')}")
    client.reactions_add(channel="C1", timestamp=ts, name="eyes")
    assert slack.find_message("C1", ts)["reactions"][0]["name"] == "eyes"  # type: ignore[index]
    again = api_error(lambda: client.reactions_add(channel="C1", timestamp=ts, name="eyes"))
    assert again["error"] == "already_reacted"


def test_long_text_is_truncated_with_warning(slack: SlackStandIn, client: WebClient) -> None:
    resp = client.chat_postMessage(channel="C1", text="あ" * 40_500)
    assert resp["ok"] is True
    assert resp["response_metadata"]["warnings"] == ["message_truncated"]
    assert resp["response_metadata"]["messages"][0].startswith("[WARN] Your message was truncated")
    assert len(slack.messages("C1")[0]["text"]) == 40_000


# --------------------------------------------------------------------------- views
def test_views_open_trigger_rules(slack: SlackStandIn, client: WebClient) -> None:
    view = modal([section("hello")])
    trigger = slack.new_trigger_id("U1")
    opened = client.views_open(trigger_id=trigger, view=view)["view"]
    assert opened["id"].startswith("V") and opened["hash"] and slack.views[opened["id"]]
    assert slack.modal_stack("U1")[0]["id"] == opened["id"]
    reuse = api_error(lambda: client.views_open(trigger_id=trigger, view=view))
    assert reuse["error"] == "exchanged_trigger_id"
    unknown = api_error(lambda: client.views_open(trigger_id="123.456.abc", view=view))
    assert unknown["error"] == "invalid_trigger_id"
    slack.trigger_ttl = 0.05
    stale = slack.new_trigger_id()
    time.sleep(0.1)
    assert api_error(lambda: client.views_open(trigger_id=stale, view=view))["error"] == (
        "expired_trigger_id"
    )


def test_views_push_update_publish(slack: SlackStandIn, client: WebClient) -> None:
    root = client.views_open(trigger_id=slack.new_trigger_id("U1"), view=modal([section("1")]))
    pushed = client.views_push(trigger_id=slack.new_trigger_id("U1"), view=modal([section("2")]))
    assert pushed["view"]["previous_view_id"] == root["view"]["id"]
    assert pushed["view"]["root_view_id"] == root["view"]["id"]
    view_id, old_hash = root["view"]["id"], root["view"]["hash"]
    new = client.views_update(view_id=view_id, hash=old_hash, view=modal([section("1b")]))["view"]
    assert new["id"] == view_id and new["hash"] != old_hash
    assert slack.views[view_id]["blocks"][0]["text"]["text"] == "1b"
    conflict = api_error(
        lambda: client.views_update(view_id=view_id, hash=old_hash, view=modal([]))
    )
    assert conflict["error"] == "hash_conflict"
    ext = client.views_open(
        trigger_id=slack.new_trigger_id(), view=modal([section("x")], external_id="case-9")
    )["view"]
    assert (
        client.views_update(external_id="case-9", view=modal([section("y")]))["view"]["id"]
        == (ext["id"])
    )
    assert api_error(lambda: client.views_update(view_id="VNOPE", view=modal([])))["error"] == (
        "not_found"
    )
    home = {"type": "home", "blocks": [section("home")]}
    first = client.views_publish(user_id="U1", view=home)["view"]
    second = client.views_publish(user_id="U1", view=home, hash=first["hash"])["view"]
    assert first["id"] == second["id"] and slack.home_view("U1") == second
    assert slack.home_view("U2") is None
    client.views_push(trigger_id=slack.new_trigger_id("U1"), view=modal([section("3")]))
    assert len(slack.modal_stack("U1")) == 3
    too_deep = api_error(
        lambda: client.views_push(trigger_id=slack.new_trigger_id("U1"), view=modal([]))
    )
    assert too_deep["error"] == "push_limit_reached"


def test_view_validation_over_http(slack: SlackStandIn, client: WebClient) -> None:
    view = modal([section("x")], private_metadata="m" * 3001)
    data = api_error(lambda: client.views_open(trigger_id=slack.new_trigger_id(), view=view))
    assert data == {
        "ok": False,
        "error": "invalid_arguments",
        "response_metadata": {
            "messages": [
                "[ERROR] failed to match all allowed schemas [json-pointer:/view]",
                "[ERROR] must be less than 3001 characters [json-pointer:/view/private_metadata]",
            ]
        },
    }


# --------------------------------------------------------------------------- Block Kit validation
def test_message_blocks_http_shape(client: WebClient) -> None:
    blocks = [section("x" * 3001)]
    data = api_error(lambda: client.chat_postMessage(channel="C1", text="t", blocks=blocks))
    assert data == {
        "ok": False,
        "error": "invalid_blocks",
        "errors": ["must be less than 3001 characters [json-pointer:/blocks/0/text/text]"],
        "response_metadata": {
            "messages": [
                "[ERROR] failed to match all allowed schemas [json-pointer:/blocks/0/text]",
                "[ERROR] must be less than 3001 characters [json-pointer:/blocks/0/text/text]",
            ]
        },
    }


def _button(text: str, action_id: str = "b") -> dict[str, Any]:
    return {"type": "button", "text": {"type": "plain_text", "text": text}, "action_id": action_id}


def _select(n: int, text: str = "o") -> dict[str, Any]:
    options = [{"text": {"type": "plain_text", "text": text}, "value": str(i)} for i in range(n)]
    return {"type": "static_select", "action_id": "s", "options": options}


def _header(n: int) -> dict[str, Any]:
    return {"type": "header", "text": {"type": "plain_text", "text": "h" * n}}


def _fields(count: int, size: int) -> dict[str, Any]:
    return {"type": "section", "fields": [{"type": "mrkdwn", "text": "f" * size}] * count}


def _context(count: int) -> dict[str, Any]:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": "c"}] * count}


def _actions(*elements: dict[str, Any]) -> dict[str, Any]:
    return {"type": "actions", "elements": list(elements)}


@pytest.mark.parametrize(
    ("blocks", "pointer"),
    [
        ([section("x")] * 51, "/blocks"),
        ([section("x" * 3001)], "/blocks/0/text/text"),
        ([_header(151)], "/blocks/0/text/text"),
        ([_actions(_button("b" * 76))], "/blocks/0/elements/0/text/text"),
        ([section("s", accessory=_select(101))], "/blocks/0/accessory/options"),
        ([section("s", accessory=_select(2, "o" * 76))], "/blocks/0/accessory/options/0/text/text"),
        ([_fields(11, 1)], "/blocks/0/fields"),
        ([_fields(1, 2001)], "/blocks/0/fields/0/text"),
        ([_context(11)], "/blocks/0/elements"),
        ([section("x", block_id="b" * 256)], "/blocks/0/block_id"),
        ([_actions(_button("b", "a" * 256))], "/blocks/0/elements/0/action_id"),
        ([section("x", block_id="same"), section("y", block_id="same")], "/blocks/1/block_id"),
        ([_actions(_button("1"), _button("2"))], "/blocks/0/elements/1/action_id"),
    ],
)
def test_validate_message_blocks_limits(blocks: list[dict[str, Any]], pointer: str) -> None:
    errors = validate_message_blocks(blocks)
    assert any(e.endswith(f"[json-pointer:{pointer}]") for e in errors), errors


def test_validate_message_blocks_accepts_limits_exactly() -> None:
    at_limits = [
        section("x" * 3000, accessory=_select(100, "o" * 75)),
        _header(150),
        _actions(_button("b" * 75)),
        _fields(10, 2000),
        _context(10),
    ]
    assert validate_message_blocks(at_limits + [{"type": "divider"}] * 45) == []


def test_validate_view_limits() -> None:
    text_input = {"type": "input", "label": {"type": "plain_text", "text": "l"}}
    text_input["element"] = {"type": "plain_text_input", "action_id": "t", "max_length": 3001}
    long_title = {"type": "plain_text", "text": "t" * 25}
    cases = {
        "/view/blocks": modal([{"type": "divider"}] * 101),
        "/view/title/text": modal([], title=long_title),
        "/view/submit/text": modal([], submit=long_title),
        "/view/close/text": modal([], close=long_title),
        "/view/private_metadata": modal([], private_metadata="p" * 3001),
        "/view/blocks/0/element/max_length": modal([text_input]),
        "/view/blocks/0": {**modal([text_input]), "submit": None},
    }
    for pointer, view in cases.items():
        errors = validate_view(view)
        assert any(e.endswith(f"[json-pointer:{pointer}]") for e in errors), (pointer, errors)
    assert validate_view(modal([{"type": "divider"}] * 100, private_metadata="p" * 3000)) == []
    assert validate_view({"type": "home", "blocks": [section("x")]}) == []


# --------------------------------------------------------------------------- recording
def test_recording_decodes_args_and_waits(slack: SlackStandIn, client: WebClient) -> None:
    client.chat_postMessage(channel="C1", text="json", blocks=[section("a")])
    form_blocks = json.dumps([section("b")])
    client.api_call("chat.postMessage", data={"channel": "C1", "text": "f", "blocks": form_blocks})
    calls = slack.calls_to("chat.postMessage")
    assert [c.args["blocks"][0]["text"]["text"] for c in calls] == ["a", "b"]
    assert calls[0].status == 200 and calls[0].response["ok"] and calls[0].time <= time.time()
    slack.clear_calls()
    assert slack.calls == []
    threading.Timer(0.1, lambda: client.chat_postMessage(channel="C1", text="later")).start()
    found = slack.wait_for(lambda: [m for m in slack.messages("C1") if m["text"] == "later"])
    assert found[0]["text"] == "later"
    with pytest.raises(TimeoutError):
        slack.wait_for(lambda: False, timeout=0.05)


def test_concurrent_requests(slack: SlackStandIn, client: WebClient) -> None:
    slack.set_latency("chat.postMessage", 0.2)
    started = time.monotonic()
    with ThreadPoolExecutor(20) as pool:
        posts = [pool.submit(client.chat_postMessage, channel="C1", text=str(i)) for i in range(20)]
        results = [f.result() for f in posts]
    assert time.monotonic() - started < 2.0  # served in parallel, not 20 x 0.2 s
    assert len({r["ts"] for r in results}) == 20 and len(slack.messages("C1")) == 20


# --------------------------------------------------------------------------- faults
def test_fail_500_then_recover(slack: SlackStandIn, client: WebClient) -> None:
    slack.fail("chat.postMessage", times=2)
    for _ in range(2):
        data = api_error(lambda: client.chat_postMessage(channel="C1", text="x"))
        assert data["error"] == "internal_error"
    assert client.chat_postMessage(channel="C1", text="x")["ok"]
    assert [c.status for c in slack.calls_to("chat.postMessage")] == [500, 500, 200]
    retrying = WebClient(
        token=slack.bot_token,
        base_url=slack.api_url,
        retry_handlers=[ServerErrorRetryHandler(max_retry_count=1)],
    )
    slack.fail("users.info")
    assert retrying.users_info(user="U1")["ok"]


def test_fail_with_error_code(slack: SlackStandIn, client: WebClient) -> None:
    slack.fail(None, error="team_not_found", times=None)
    assert api_error(client.auth_test)["error"] == "team_not_found"
    assert api_error(lambda: client.users_info(user="U1"))["error"] == "team_not_found"
    slack.clear_faults()
    assert client.auth_test()["ok"]


def test_ratelimited_is_retried_by_rate_limit_handler(slack: SlackStandIn) -> None:
    slack.fail("chat.postMessage", error="ratelimited", retry_after=1)
    plain = WebClient(token=slack.bot_token, base_url=slack.api_url)
    with pytest.raises(SlackApiError) as info:
        plain.chat_postMessage(channel="C1", text="x")
    assert info.value.response.status_code == 429
    assert info.value.response.headers["Retry-After"] == "1"
    slack.fail("chat.postMessage", error="ratelimited", retry_after=1)
    retrying = WebClient(
        token=slack.bot_token,
        base_url=slack.api_url,
        retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=1)],
    )
    assert retrying.chat_postMessage(channel="C1", text="x")["ok"]
    assert [c.status for c in slack.calls_to("chat.postMessage")] == [429, 429, 200]


def test_outage_and_latency(slack: SlackStandIn, client: WebClient) -> None:
    with slack.outage():
        assert api_error(client.auth_test)["error"] == "internal_error"
        assert slack.calls[-1].status == 500
    assert client.auth_test()["ok"]
    slack.set_latency(None, 0.15)
    started = time.monotonic()
    client.auth_test()
    assert time.monotonic() - started >= 0.15


def test_rate_limit_per_channel(slack: SlackStandIn, client: WebClient) -> None:
    slack.rate_limit_per_channel(2, per_seconds=1.0)
    client.chat_postMessage(channel="C1", text="1")
    client.chat_postMessage(channel="C1", text="2")
    client.chat_postMessage(channel="CPUB", text="other channel")
    with pytest.raises(SlackApiError) as info:
        client.chat_postMessage(channel="C1", text="3")
    assert info.value.response.status_code == 429
    assert info.value.response.headers["Retry-After"] == "1"
    slack.rate_limit_per_channel(None)
    assert client.chat_postMessage(channel="C1", text="3")["ok"]


# --------------------------------------------------------------------------- sending to the app
class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def bolt_app(slack: SlackStandIn) -> Iterator[tuple[App, SlackRequestSender, list[Any]]]:
    """A real Bolt app behind a WSGI server, using the stand-in as its Slack."""
    seen: list[Any] = []
    app = App(
        signing_secret=SECRET, client=WebClient(token=slack.bot_token, base_url=slack.api_url)
    )

    @app.command("/harassment")
    def on_command(ack: Any, body: dict[str, Any], client: WebClient) -> None:
        ack(text=f"received {body['text']}")
        client.views_open(trigger_id=body["trigger_id"], view=modal([section("form")]))

    @app.view("report")
    def on_submit(ack: Any, view: dict[str, Any]) -> None:
        seen.append(view["state"]["values"])
        ack(response_action="clear")

    @app.action("approve")
    def on_action(ack: Any, body: dict[str, Any], respond: Any) -> None:
        ack()
        seen.append(body)
        respond(text="approved", replace_original=True)

    @app.event("app_home_opened")
    def on_home(event: dict[str, Any], request: BoltRequest) -> None:
        seen.append((event["user"], request.headers.get("x-slack-retry-num")))

    server = make_server(
        "127.0.0.1", 0, SlackRequestHandler(app), _ThreadingWSGIServer, _QuietHandler
    )
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}/slack/events"
    with SlackRequestSender(url, SECRET, standin=slack, user_id="U1", channel_id="C1") as sender:
        yield app, sender, seen
    server.shutdown()
    server.server_close()


def test_sender_command_signed_and_trigger_from_standin(
    slack: SlackStandIn, bolt_app: tuple[App, SlackRequestSender, list[Any]]
) -> None:
    _, sender, _ = bolt_app
    resp = sender.command("/harassment", "hello")
    assert resp.status == 200 and resp.text == "received hello" and resp.elapsed > 0
    opened = slack.wait_for(lambda: slack.calls_to("views.open"))
    assert opened[0].response["ok"] is True  # the trigger_id came from the stand-in


def test_sender_forged_and_stale_signatures_rejected(
    bolt_app: tuple[App, SlackRequestSender, list[Any]],
) -> None:
    _, sender, _ = bolt_app
    assert sender.command("/harassment", forge_signature=True).status == 401
    assert sender.command("/harassment", stale_timestamp=True).status == 401
    assert sender.event({"type": "app_home_opened", "user": "U1"}, forge_signature=True).status == (
        401
    )


def test_sender_view_submission_and_event_retry(
    slack: SlackStandIn, bolt_app: tuple[App, SlackRequestSender, list[Any]]
) -> None:
    _, sender, seen = bolt_app
    blocks = [
        {
            "type": "input",
            "block_id": "what",
            "label": {"type": "plain_text", "text": "What"},
            "element": {"type": "plain_text_input", "action_id": "what_a"},
        }
    ]
    view = modal(blocks, callback_id="report")
    resp = sender.interaction(sender.view_submission(view, {"what_a": "yelled"}))
    assert resp.status == 200 and resp.json() == {"response_action": "clear"}
    assert seen[0] == {"what": {"what_a": {"type": "plain_text_input", "value": "yelled"}}}
    resp = sender.event({"type": "app_home_opened", "user": "U1", "tab": "home"}, retry_num=1)
    assert resp.status == 200
    slack.wait_for(lambda: len(seen) == 2)
    assert seen[1] == ("U1", ["1"])


def test_sender_block_actions_on_standin_message(
    slack: SlackStandIn, client: WebClient, bolt_app: tuple[App, SlackRequestSender, list[Any]]
) -> None:
    _, sender, _ = bolt_app
    button = {**_button("Approve", "approve"), "value": "case-1"}
    ts = client.chat_postMessage(channel="C1", text="t", blocks=[_actions(button)])["ts"]
    payload = sender.block_actions("approve", channel_id="C1", message_ts=ts)
    assert payload["message"]["ts"] == ts and payload["container"]["channel_id"] == "C1"
    action = payload["actions"][0]
    assert action["value"] == "case-1" and action["type"] == "button" and action["block_id"]
    assert sender.interaction(payload).status == 200
    hook = slack.wait_for(lambda: slack.calls_to("response_url"))[0]
    assert hook.args["url"] == payload["response_url"] and hook.args["text"] == "approved"


# --------------------------------------------------------------------------- payload builders
def test_build_state_values_all_element_types() -> None:
    def opt(v: str) -> dict[str, Any]:
        return {"text": {"type": "plain_text", "text": v.title()}, "value": v}

    def inp(block_id: str, kind: str, *options: str, **extra: Any) -> dict[str, Any]:
        label = {"type": "plain_text", "text": block_id}
        element = {"type": kind, "action_id": f"{block_id}_a", **extra}
        if options:
            element["options"] = [opt(o) for o in options]
        return {"type": "input", "block_id": block_id, "label": label, "element": element}

    blocks = [
        inp("t", "plain_text_input"),
        inp("n", "plain_text_input", initial_value="pre"),
        inp("s", "static_select", "low", "high"),
        inp("m", "multi_static_select", "a", "b"),
        inp("r", "radio_buttons", "yes", "no"),
        inp("c", "checkboxes", "x", "y"),
        inp("d", "datetimepicker"),
        inp("dp", "datepicker"),
        inp("u", "users_select"),
        inp("mu", "multi_users_select"),
        {
            "type": "section",
            "block_id": "acc",
            "text": {"type": "mrkdwn", "text": "x"},
            "accessory": {"type": "static_select", "action_id": "acc_a", "options": [opt("z")]},
        },
    ]
    when = datetime(2026, 8, 4, 9, 30, tzinfo=UTC)
    state = build_state_values(
        blocks,
        {
            "t_a": "text",
            "s": "high",  # by block_id
            "m_a": ["a", "b"],
            "r_a": "no",
            "c_a": ["y"],
            "d_a": when,
            "dp_a": date(2026, 8, 4),
            "u_a": "U2",
            "mu_a": ["U1", "U2"],
        },
    )
    assert state["t"]["t_a"] == {"type": "plain_text_input", "value": "text"}
    assert state["n"]["n_a"]["value"] == "pre"
    assert state["s"]["s_a"]["selected_option"] == opt("high")
    assert state["m"]["m_a"]["selected_options"] == [opt("a"), opt("b")]
    assert state["r"]["r_a"]["selected_option"]["value"] == "no"
    assert state["c"]["c_a"]["selected_options"] == [opt("y")]
    assert state["d"]["d_a"] == {"type": "datetimepicker", "selected_date_time": 1785835800}
    assert state["dp"]["dp_a"]["selected_date"] == "2026-08-04"
    assert state["u"]["u_a"]["selected_user"] == "U2"
    assert state["mu"]["mu_a"]["selected_users"] == ["U1", "U2"]
    assert state["acc"]["acc_a"] == {"type": "static_select", "selected_option": None}
    with pytest.raises(ValueError):
        build_state_values(blocks, {"s_a": "nope"})
    with pytest.raises(ValueError):
        build_state_values(blocks, {"typo": "x"})


def test_shortcut_payloads(slack: SlackStandIn) -> None:
    sender = SlackRequestSender("http://127.0.0.1:9/", SECRET, standin=slack)
    message = {"type": "message", "text": "rude customer", "user": "U2", "ts": "1700000000.000100"}
    ms = sender.message_shortcut("report_message", message, "C1", "U1")
    assert ms["type"] == "message_action" and ms["message_ts"] == message["ts"]
    assert ms["channel"] == {"id": "C1", "name": "desk"} and ms["user"]["id"] == "U1"
    gs = sender.global_shortcut("new_report", "U2")
    assert gs["type"] == "shortcut" and gs["user"]["username"] == "ben"
    assert gs["trigger_id"] in slack._triggers
    envelope = sender.event_envelope({"type": "app_home_opened", "user": "U1"}, event_id="Ev1")
    assert envelope["type"] == "event_callback" and envelope["event_id"] == "Ev1"


# --------------------------------------------------------------------------- Socket Mode
def test_socket_mode_with_bolt(slack: SlackStandIn) -> None:
    app = App(client=WebClient(token=slack.bot_token, base_url=slack.api_url))

    @app.command("/harassment")
    def on_command(ack: Any, body: dict[str, Any], client: WebClient) -> None:
        ack(text=f"socket {body['text']}")
        client.chat_postMessage(channel=body["channel_id"], text="via socket")

    handler = SocketModeHandler(app, slack.app_token)
    handler.connect()
    try:
        sender = SlackRequestSender("http://127.0.0.1:9/", SECRET, standin=slack, channel_id="C1")
        envelope_id = slack.push_socket_event("slash_commands", sender.command_payload(text="hi"))
        ack = slack.wait_for_ack(envelope_id)
        assert ack.payload == {"text": "socket hi"}
        assert slack.wait_for(lambda: slack.messages("C1"))[0]["text"] == "via socket"
        assert slack.calls_to("apps.connections.open")[0].response["url"].startswith("ws://")
        slack.disconnect_sockets()  # Slack's "refresh_requested": the client reconnects
        slack.wait_for(lambda: len(slack.calls_to("apps.connections.open")) == 2)
        envelope_id = slack.push_socket_event(
            "slash_commands", sender.command_payload(text="again")
        )
        assert slack.wait_for_ack(envelope_id).payload == {"text": "socket again"}
    finally:
        handler.close()
