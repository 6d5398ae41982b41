"""Malformed, truncated, oversized and fuzzed requests to /slack/events: never a 5xx.

Slack only sends well-formed bodies, so a malformed one is a bug or a probe. Correctly signed
but malformed input gets 400 (or Bolt's 404 for something no listener handles), unsigned or
badly signed input 401, oversized 413; the app never answers 500 and keeps working afterwards.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.standin import SlackStandIn
from tests.harness import REPORTER_EN, AppHarness, populate_workspace, report_values

# Fault tests (kills, broken payloads, outages): `pytest -m faults` runs only these,
# `pytest -m 'not faults'` everything else; a plain `pytest` (and .ci/run) runs all.
pytestmark = pytest.mark.faults

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
STATUSES: Counter[int] = Counter()


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppHarness]:
    path = Path(tmp_path_factory.mktemp("fuzz")) / "desk.db"
    with SlackStandIn(trigger_ttl=3600) as slack:
        populate_workspace(slack)
        # Real Slack takes tens of ms to answer views.open. Bolt (1.30) forgets an ack when the
        # listener raises within its 10 ms polling interval after acking (a reused trigger
        # failing instantly here), then waits 3 s and answers 404; keep the fuzzing fast.
        slack.set_latency("views.open", 0.05)
        with AppHarness(slack, f"sqlite:///{path}") as app:
            yield app
    print(
        f"\n/slack/events answers to malformed and fuzzed input: {dict(sorted(STATUSES.items()))}"
    )


def send(app: AppHarness, body: bytes | str, content_type: str, **kwargs: Any) -> int:
    status = app.sender.send(body, content_type, **kwargs).status
    STATUSES[status] += 1
    return status


def as_form_payload(payload: Any) -> str:
    return urlencode({"payload": json.dumps(payload, ensure_ascii=False)})


def valid_submission(app: AppHarness) -> dict[str, Any]:
    view = app.open_report_form(REPORTER_EN)
    return app.sender.view_submission(view, report_values(), REPORTER_EN)


MALFORMED: dict[str, tuple[bytes | str, str, int]] = {
    "body is not JSON": ("{not json", JSON, 400),
    "JSON null": ("null", JSON, 400),
    "JSON list": ("[1, 2]", JSON, 400),
    "event is a string": ('{"type": "event_callback", "event": "x", "event_id": "E1"}', JSON, 400),
    "event without type": ('{"type": "event_callback", "event": {}, "event_id": "E2"}', JSON, 400),
    "url_verification without challenge": ('{"type": "url_verification"}', JSON, 400),
    "payload truncated": (as_form_payload({"type": "view_submission"})[:30], FORM, 400),
    "payload is a list": (as_form_payload([1]), FORM, 400),
    "payload without type": (as_form_payload({}), FORM, 400),
    "submission without user": (
        as_form_payload({"type": "view_submission", "view": {}}),
        FORM,
        400,
    ),
    "submission view is a string": (
        as_form_payload({"type": "view_submission", "user": {"id": "U1"}, "view": "V1"}),
        FORM,
        400,
    ),
    "state values hold a string": (
        as_form_payload(
            {
                "type": "view_submission",
                "user": {"id": "U1"},
                "view": {"callback_id": "report_submit", "state": {"values": {"a": "b"}}},
            }
        ),
        FORM,
        400,
    ),
    "actions is a string": (
        as_form_payload(
            {"type": "block_actions", "user": {"id": "U1"}, "trigger_id": "t", "actions": "x"}
        ),
        FORM,
        400,
    ),
    "button without trigger": (
        as_form_payload(
            {
                "type": "block_actions",
                "user": {"id": "U1"},
                "actions": [{"action_id": "open_report"}],
            }
        ),
        FORM,
        400,
    ),
    "command without user": (urlencode({"command": "/harassment", "trigger_id": "t"}), FORM, 400),
    "command without trigger": (urlencode({"command": "/harassment", "user_id": "U1"}), FORM, 400),
    # Slack signs UTF-8 text; bytes that are not cannot carry a valid signature.
    "not UTF-8": (b"payload=\xff\xfe", FORM, 401),
    "oversized": (b"command=/harassment&text=" + b"x" * 1_100_000, FORM, 413),
}


def test_malformed_bodies_get_4xx_and_the_app_keeps_working(desk: AppHarness) -> None:
    answers = {name: send(desk, body, ctype) for name, (body, ctype, _) in MALFORMED.items()}
    expected = {name: status for name, (_, _, status) in MALFORMED.items()}
    print(f"\nmalformed bodies: {answers}")
    assert answers == expected, f"answers {answers}"
    submission = valid_submission(desk)
    answer = desk.sender.interaction(submission)
    assert answer.status == 200 and answer.json()["response_action"] == "update"


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"X-Slack-Request-Timestamp": ""}, 401),
        ({"X-Slack-Request-Timestamp": "abc"}, 401),
        ({"X-Slack-Request-Timestamp": "9" * 40}, 401),
        ({"X-Slack-Signature": ""}, 401),
        ({"X-Slack-Signature": "v0=" + "0" * 64}, 401),
        ({"X-Slack-Signature": "ü" * 10}, 401),
        ({"Content-Type": "text/plain"}, 404),
    ],
)
def test_malformed_headers_get_4xx(
    desk: AppHarness, headers: dict[str, str], expected: int
) -> None:
    status = send(desk, urlencode({"text": "x"}), FORM, headers=headers)
    assert status == expected, f"headers {headers}: {status}"


def test_unsigned_garbage_is_401_not_400(desk: AppHarness) -> None:
    assert send(desk, "{not json", JSON, forge_signature=True) == 401
    assert send(desk, b"\xff", FORM, stale_timestamp=True) == 401


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
KEYS = [
    "type", "user", "id", "view", "state", "values", "actions", "action_id", "value", "trigger_id",
    "callback_id", "private_metadata", "message", "ts", "text", "channel", "container", "event",
    "selected_option", "selected_options", "selected_date_time", "block_id",
]  # fmt: skip
TYPES = ["view_submission", "view_closed", "block_actions", "shortcut", "message_action"]


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield prefix
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from paths(inner, (*prefix, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from paths(inner, (*prefix, index))


def replaced(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    copy = dict(value) if isinstance(value, dict) else list(value)
    copy[path[0]] = replaced(copy[path[0]], path[1:], new)
    return copy


FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@FUZZ
@given(data=st.data())
def test_mutated_real_payloads_never_get_a_5xx(desk: AppHarness, data: st.DataObject) -> None:
    """A real submission, button click and shortcut with one part replaced by random JSON."""
    templates = getattr(desk, "_fuzz_templates", None)
    if templates is None:
        templates = [
            valid_submission(desk),
            desk.sender.block_actions("open_report", value="x", user_id=REPORTER_EN),
            desk.sender.message_shortcut(
                "report_message", {"type": "message", "text": "hi", "ts": "1.2"}, "C0GENERAL1"
            ),
        ]
        desk._fuzz_templates = templates  # type: ignore[attr-defined]
    template = data.draw(st.sampled_from(templates))
    path = data.draw(st.sampled_from(list(paths(template))))
    payload = replaced(template, path, data.draw(json_values))
    status = send(desk, as_form_payload(payload), FORM)
    assert status < 500, f"{status} for payload with {path} replaced: {payload}"


@FUZZ
@given(
    payload=st.fixed_dictionaries(
        {"type": st.sampled_from(TYPES)},
        optional={key: json_values for key in KEYS if key != "type"},
    )
)
def test_random_interaction_payloads_never_get_a_5xx(desk: AppHarness, payload: Any) -> None:
    status = send(desk, as_form_payload(payload), FORM)
    assert status < 500, f"{status} for {payload}"


@FUZZ
@given(
    body=st.one_of(
        st.binary(max_size=200),
        st.dictionaries(
            st.sampled_from(["command", "user_id", "trigger_id", "text", "channel_id"]),
            st.text(max_size=30),
        ).map(urlencode),
        st.fixed_dictionaries({"type": st.just("event_callback"), "event": json_values}).map(
            json.dumps
        ),
    ),
    content_type=st.sampled_from([FORM, JSON, "text/plain", ""]),
)
def test_random_bodies_never_get_a_5xx(desk: AppHarness, body: Any, content_type: str) -> None:
    status = send(desk, body, content_type)
    assert status < 500, f"{status} for {content_type} {body!r}"
