"""Noise is throttled without losing anything."""

from __future__ import annotations

import json
import time

from sqlalchemy import select

from bot.desk import ids
from storage.models import CaseEvent
from tests.desk_support import click_payload, report, wait_private_reply
from tests.harness import DESK_CHANNEL, OUTSIDER, REPORTER_EN, REPORTER_JA, AppHarness

REFUSED_CLICKS = 30


def test_repeated_refusals_are_one_audit_row_with_a_count(app: AppHarness) -> None:
    case = report(app, REPORTER_EN)
    payload = click_payload(app, case, ids.ACKNOWLEDGE_ACTION, OUTSIDER)
    for _ in range(REFUSED_CLICKS):
        assert app.sender.interaction(payload).status == 200
    wait_private_reply(app, REFUSED_CLICKS)  # every click is still answered

    def rows() -> list[CaseEvent]:
        with app.deps.sessions() as session:
            query = select(CaseEvent).where(CaseEvent.action.like("denied:%"))
            return list(session.scalars(query))

    [row] = app.slack.wait_for(
        lambda: (
            found
            if (found := rows()) and (found[0].after or {}).get("count") == REFUSED_CLICKS
            else None
        )
    )
    assert (row.action, row.actor_user_id, row.case_id) == ("denied:acknowledge", OUTSIDER, case.id)
    print(f"\n{REFUSED_CLICKS} refused clicks -> {len(rows())} audit row, count {REFUSED_CLICKS}")


URGENT_REPORTS = 40


def test_urgent_reports_from_one_person_ping_the_desk_once_per_window(app: AppHarness) -> None:
    started = time.perf_counter()
    for n in range(URGENT_REPORTS):
        view = app.open_report_form(REPORTER_EN)
        answer = app.submit_report(
            view, {"in_danger": "yes", "narrative": f"urgent {n}"}, user_id=REPORTER_EN
        ).json()
        assert answer["response_action"] == "update", answer
    elapsed = time.perf_counter() - started
    other = app.open_report_form(REPORTER_JA)
    app.submit_report(other, {"in_danger": "yes"}, user_id=REPORTER_JA)

    messages = app.slack.wait_for(
        lambda: (
            found if len(found := app.slack.messages(DESK_CHANNEL)) == URGENT_REPORTS + 1 else None
        ),
        timeout=60,
    )
    pings = [m for m in messages if "<!here>" in json.dumps(m, ensure_ascii=False)]
    repeats = [
        m
        for m in messages
        if "another urgent report from the same person" in json.dumps(m, ensure_ascii=False)
    ]
    # Every report is shown; one ping for REPORTER_EN, one for REPORTER_JA.
    assert len(pings) == 2, [m["text"] for m in messages]
    assert len(repeats) == 0  # the desk channel is in Japanese
    same_person = [
        m for m in messages if "同じ方からの続けての緊急の報告" in json.dumps(m, ensure_ascii=False)
    ]
    assert len(same_person) == URGENT_REPORTS - 1
    print(f"\ndesk pings for {URGENT_REPORTS} urgent reports from one person in {elapsed:.1f} s: 1")


BURST = 60


def test_a_burst_of_commands_opens_one_form_and_answers_the_rest_privately(
    app: AppHarness,
) -> None:
    started = time.perf_counter()
    for _ in range(BURST):
        assert app.sender.command("/harassment", "", user_id=REPORTER_EN).status == 200
    elapsed = time.perf_counter() - started
    replies = app.slack.wait_for(
        lambda: (
            found
            if len(found := [c for c in app.slack.calls_to("response_url")]) >= BURST - 1
            else None
        ),
        timeout=30,
    )
    opened = app.slack.calls_to("views.open")
    assert len(opened) == 1
    assert all("already open" in str(c.args.get("text", "")) for c in replies)
    print(
        f"\n{BURST} commands in {elapsed:.1f} s: {len(opened)} form, {len(replies)} private answers"
    )
    # Closing the form (Slack sends view_closed) lets the next one open at once.
    view = opened[0].response["view"]
    assert app.sender.interaction(app.sender.view_closed(view, REPORTER_EN)).status == 200
    app.slack.wait_for(
        lambda: (
            app.sender.command("/harassment", "", user_id=REPORTER_EN)
            and len(app.slack.calls_to("views.open")) == 2
        ),
        timeout=10,
    )
