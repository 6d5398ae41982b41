"""Bad input never reaches a 5xx or loses a report.

Each request is signed and goes through Bolt's real HTTP path; the answers are what Slack would
show the person (field errors, a private message), the database is what was stored.
"""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import pytest
from sqlalchemy import select

from bot import bounds
from bot.report.modals import FormMetadata
from storage.models import Case, CaseEvent
from tests.desk_support import click_payload, report, wait_private_reply
from tests.harness import DESK_CHANNEL, DESK_STAFF, REPORTER_EN, AppHarness


def send_ascii(app: AppHarness, payload: dict[str, Any]) -> Any:
    """Like `interaction`, but with JSON escapes (a lone surrogate cannot be sent as UTF-8)."""
    body = urlencode({"payload": json.dumps(payload, ensure_ascii=True)})
    return app.sender.send(body, "application/x-www-form-urlencoded")


def stored_cases(app: AppHarness) -> list[Case]:
    with app.deps.sessions() as session:
        return list(session.scalars(select(Case).order_by(Case.id)))


# --- pure validators ---------------------------------------------------------------------------


def test_ids_are_range_checked() -> None:
    assert bounds.parse_id("42") == 42
    for raw in ("99999999999999999999", "2147483648", "0", "-1", "²", "１２", "", "4 2", None, 1.5):
        assert bounds.parse_id(raw) is None, raw
    assert bounds.parse_id(2**31 - 1) == 2**31 - 1


def test_timestamps_are_bounded_to_1970_and_now() -> None:
    now = datetime(2026, 12, 1, tzinfo=UTC)
    tolerance = timedelta(minutes=5)
    for raw in (-1e12, -1, 253402300800, 1e300, math.nan, math.inf, -math.inf, "1700000000", True):
        assert bounds.parse_timestamp(raw, now=now, future_tolerance=tolerance) is None, raw
    ok = bounds.parse_timestamp(1_700_000_000, now=now, future_tolerance=tolerance)
    assert ok == datetime.fromtimestamp(1_700_000_000, UTC)


def test_permalinks_are_only_slack_message_links() -> None:
    good = "https://acme-corp.slack.com/archives/C0GENERAL1/p1700000000000100"
    assert bounds.safe_permalink(good) == good
    for bad in (
        "javascript:alert(1)",
        "http://acme.slack.com/archives/C1/p1700000000000100",
        "https://evil.example/archives/C0GENERAL1/p1700000000000100",
        "https://a|b.slack.com/archives/C0GENERAL1/p1700000000000100",
        "https://acme.slack.com.evil.example/archives/C0GENERAL1/p1700000000000100",
        good + "|click me",
        None,
    ):
        assert bounds.safe_permalink(bad) is None, bad
    assert bounds.message_permalink("a|b", "C0GENERAL1", "1700000000.000100") is None
    assert bounds.link_target("https://x/|<y>&") == "https://x/%7C%3Cy%3E&amp;"


def test_forged_permalink_in_metadata_is_dropped() -> None:
    for forged in ("javascript:alert(1)", "https://a|b.slack.com/archives/C1/p1", 5):
        raw = json.dumps({"k": "token", "l": "en", "p": forged})
        assert FormMetadata.decode(raw, fallback_token="x", fallback_locale="ja").permalink is None


# --- through the app ---------------------------------------------------------------------------


def test_a_view_without_type_is_refused_not_a_500(app: AppHarness) -> None:
    view = app.open_report_form(REPORTER_EN)
    payload = app.sender.view_submission(view, {}, REPORTER_EN)
    del payload["view"]["type"]
    response = app.sender.interaction(payload)
    assert response.status == 400, (response.status, response.text)


@pytest.mark.parametrize("raw", [-1e12, 253402300800, math.nan, math.inf])
def test_out_of_range_dates_get_a_field_error(app: AppHarness, raw: float) -> None:
    view = app.open_report_form(REPORTER_EN)
    payload = app.sender.view_submission(view, {}, REPORTER_EN)
    values = payload["view"]["state"]["values"]
    values["occurred_at"]["occurred_at_input"]["selected_date_time"] = raw
    values["narrative"]["narrative_input"]["value"] = "He shouted."
    values["contact_channel"]["contact_channel_input"]["selected_option"] = {"value": "phone"}
    values["customer_type"]["customer_type_input"]["selected_option"] = {"value": "customer"}
    response = app.sender.interaction(payload)  # json.dumps writes NaN / Infinity literals
    assert response.status == 200, response.text
    answer = response.json()
    assert answer["response_action"] == "errors"
    assert "occurred_at" in answer["errors"]
    assert stored_cases(app) == []


def test_a_lone_surrogate_gets_a_field_error_and_nothing_breaks(app: AppHarness) -> None:
    view = app.open_report_form(REPORTER_EN)
    payload = app.sender.view_submission(view, {}, REPORTER_EN)
    values = payload["view"]["state"]["values"]
    values["narrative"]["narrative_input"]["value"] = "broken \ud800 text"
    values["contact_channel"]["contact_channel_input"]["selected_option"] = {"value": "phone"}
    values["customer_type"]["customer_type_input"]["selected_option"] = {"value": "customer"}
    response = send_ascii(app, payload)
    assert response.status == 200, response.text
    assert response.json()["response_action"] == "errors"
    assert "narrative" in response.json()["errors"]
    assert stored_cases(app) == []


def test_nul_bytes_are_stripped_and_the_report_is_kept(app: AppHarness) -> None:
    view = app.open_report_form(REPORTER_EN)
    response = app.submit_report(
        view, {"narrative": "He\x00 shouted.", "injury": "a\x00bruise"}, user_id=REPORTER_EN
    )
    assert response.status == 200, response.text
    assert response.json()["response_action"] == "update"
    [case] = stored_cases(app)
    assert case.narrative == "He shouted." and case.injury == "abruise"


@pytest.mark.parametrize("identity", [None, "xyz"])
def test_missing_or_unknown_identity_is_anonymous(app: AppHarness, identity: str | None) -> None:
    view = app.open_report_form(REPORTER_EN)
    payload = app.sender.view_submission(view, {}, REPORTER_EN)
    values = payload["view"]["state"]["values"]
    values["narrative"]["narrative_input"]["value"] = "He shouted."
    values["contact_channel"]["contact_channel_input"]["selected_option"] = {"value": "phone"}
    values["customer_type"]["customer_type_input"]["selected_option"] = {"value": "customer"}
    values["identity"]["identity_input"]["selected_option"] = (
        None if identity is None else {"value": identity}
    )
    response = app.sender.interaction(payload)
    assert response.status == 200, response.text
    assert response.json()["response_action"] == "update"
    [case] = stored_cases(app)
    assert case.identity == "anonymous"
    message = app.slack.wait_for(lambda: app.slack.messages(DESK_CHANNEL), timeout=15)[0]
    assert REPORTER_EN not in json.dumps(message)


def test_huge_ids_in_buttons_and_metadata_are_not_found_never_a_500(app: AppHarness) -> None:
    case = report(app, REPORTER_EN)
    for value in ("99999999999999999999:1", f"{case.id}:99999999999999999999", "²:1"):
        payload = click_payload(app, case, "desk_acknowledge", DESK_STAFF[0], value)
        payload["actions"][0]["value"] = value
        response = app.sender.interaction(payload)
        assert response.status == 200, (value, response.status, response.text)
    wait_private_reply(app, 3)
    with app.deps.sessions() as session:
        acks = session.scalars(select(CaseEvent).where(CaseEvent.action == "acknowledged"))
        assert list(acks) == []
