"""Anonymous reports made with the message shortcut do not identify the reporter: their
mentions in the quoted message, the link to their own DM or channel, and the
time of day of their check-ins (which gives away their time zone)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import select

from storage.models import Case
from tests.harness import DESK_CHANNEL, REPORTER_JA, AppHarness

LINK = "C0GENERAL1/p1700000000000100"


def shortcut_form(app: AppHarness) -> dict[str, Any]:
    payload = app.sender.message_shortcut(
        "report_message",
        message={
            "type": "message",
            "text": "Hey <@U0REPJA001> you are useless &amp; I know your shift",
            "ts": "1700000000.000100",
            "user": "U0CUSTOMER",
        },
        channel_id="C0GENERAL1",
        user_id=REPORTER_JA,
    )
    before = len(app.slack.calls_to("views.open"))
    assert app.sender.interaction(payload).status == 200
    app.slack.wait_for(lambda: len(app.slack.calls_to("views.open")) > before)
    return dict(app.slack.calls_to("views.open")[-1].response["view"])


def submit(app: AppHarness, view: dict[str, Any], **values: Any) -> dict[str, Any]:
    narrative = next(b for b in view["blocks"] if b.get("block_id") == "narrative")
    answer = app.submit_report(
        view, {"narrative": narrative["element"]["initial_value"], **values}, user_id=REPORTER_JA
    ).json()
    assert answer["response_action"] == "update", answer
    message = app.slack.wait_for(lambda: app.slack.messages(DESK_CHANNEL), timeout=15)[-1]
    return dict(message)


def stored(app: AppHarness) -> Case:
    with app.deps.sessions() as session:
        return session.scalars(select(Case)).one()


def test_anonymous_mentions_become_the_reporter_and_the_link_stays_out(app: AppHarness) -> None:
    view = shortcut_form(app)
    assert any(b.get("block_id") == "share_link" for b in view["blocks"])
    desk = json.dumps(submit(app, view, identity="anonymous"), ensure_ascii=False)
    assert "Hey (相談者) you are useless &amp; I know your shift" in desk
    for needle in ("hanako", REPORTER_JA, LINK):
        assert needle not in desk, needle
    case = stored(app)
    assert case.source_permalink is None and "hanako" not in case.narrative


def test_an_anonymous_reporter_may_share_the_link(app: AppHarness) -> None:
    view = shortcut_form(app)
    desk = json.dumps(
        submit(app, view, identity="anonymous", share_link=["share_link"]), ensure_ascii=False
    )
    assert LINK in desk and "hanako" not in desk


def test_a_named_report_keeps_the_mention_and_the_link(app: AppHarness) -> None:
    view = shortcut_form(app)
    desk = json.dumps(submit(app, view, identity="named"), ensure_ascii=False)
    assert "Hey @hanako you are useless" in desk and LINK in desk


def test_the_form_without_a_message_has_no_link_choice(app: AppHarness) -> None:
    view = app.open_report_form(REPORTER_JA)
    assert not any(b.get("block_id") == "share_link" for b in view["blocks"])


@pytest.mark.parametrize(("identity", "with_time"), [("anonymous", False), ("named", True)])
def test_check_in_times_reach_the_desk_as_dates_only_for_anonymous_reporters(
    app: AppHarness, identity: str, with_time: bool
) -> None:
    view = app.open_report_form(REPORTER_JA)
    app.submit_report(view, {"identity": identity}, user_id=REPORTER_JA)
    message = app.slack.wait_for(lambda: app.slack.messages(DESK_CHANNEL), timeout=15)[-1]
    lines = [
        block["text"]["text"]
        for block in message["blocks"]
        if block.get("type") in ("section", "context") and "text" in block
    ] + [
        element.get("text", "")
        for block in message["blocks"]
        if block.get("type") == "context"
        for element in block.get("elements", [])
    ]
    checkin = [line for line in lines if "フォローアップ" in line or "check-in" in line.lower()]
    assert checkin, lines
    assert ("{time}" in checkin[0]) is with_time, checkin[0]
