"""A slash command whose form body contains the word `payload` reaches its listener.

slack-bolt's `parse_body` (slack_bolt/request/internals.py) treats any non-JSON body that
contains the substring "payload" as an interactivity payload; a slash command has no `payload`
field, so it parses as `{}`, no listener matches and Bolt answers 404. `bot.web` rewrites such
a body (percent-encoding the `p`, which decodes to the same fields) before Bolt sees it.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

import pytest
from slack_bolt.request.internals import parse_body

from bot.inbound import shield_form_from_bolt
from bot.standin import SlackStandIn
from tests.harness import REPORTER_EN, AppHarness

PAYLOAD_CHANNEL = "C0PAYLOAD1"


@pytest.fixture
def workspace(slack: SlackStandIn) -> SlackStandIn:
    slack.add_channel(PAYLOAD_CHANNEL, "payload-team", is_private=False, members=[REPORTER_EN])
    slack.add_user("U0PAYLOAD1", "payload", tz="Asia/Tokyo", locale="ja-JP")
    return slack


CASES = {
    "channel name": {"user_id": REPORTER_EN, "channel_id": PAYLOAD_CHANNEL, "text": ""},
    "user name": {"user_id": "U0PAYLOAD1", "text": ""},
    "command text": {"user_id": REPORTER_EN, "text": "payload"},
}


def test_bolt_alone_parses_such_a_body_as_empty(app: AppHarness) -> None:
    body = urlencode(app.sender.command_payload("/harassment", "payload", user_id=REPORTER_EN))
    assert parse_body(body, "application/x-www-form-urlencoded") == {}  # the upstream bug
    shielded = shield_form_from_bolt(body)
    assert shielded is not None and "payload" not in shielded
    assert parse_body(shielded, "application/x-www-form-urlencoded") == dict(
        parse_qsl(body, keep_blank_values=True)
    )


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_command_mentioning_payload_opens_the_form(
    case: str, workspace: SlackStandIn, app: AppHarness
) -> None:
    fields = CASES[case]
    user = fields["user_id"]
    trigger = workspace.new_trigger_id(user)
    response = app.sender.command(
        "/harassment",
        fields["text"],
        user_id=user,
        channel_id=fields.get("channel_id"),
        trigger_id=trigger,
    )
    assert response.status == 200, (case, response.status, response.text)
    opened = workspace.wait_for(
        lambda: [c for c in workspace.calls_to("views.open") if c.args["trigger_id"] == trigger]
    )
    assert opened[0].response["ok"], opened[0].response
