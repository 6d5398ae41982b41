"""Prometheus metrics without personal data; JSON logs; a quiet
scheduler."""

from __future__ import annotations

import json
import re

import requests

from bot.standin import SlackRequestSender, SlackStandIn
from tests.harness import (
    DESK_CHANNEL,
    REPORTER_EN,
    SIGNING_SECRET,
    AppHarness,
    AppProcess,
    base_env,
    free_port,
    report_values,
)

NARRATIVE = "LYCHEE-7781 the customer spat at me"


def metric(text: str, name: str) -> float:
    match = re.search(rf"^{re.escape(name)} (\S+)$", text, re.MULTILINE)
    assert match, f"{name} not in metrics"
    return float(match.group(1))


def test_metrics_count_what_happened_and_carry_no_personal_data(app: AppHarness) -> None:
    app.slack.fail("chat.postMessage", error="not_in_channel", times=1)
    view = app.open_report_form(REPORTER_EN)
    answer = app.submit_report(view, {"narrative": NARRATIVE}, user_id=REPORTER_EN)
    assert answer.json()["response_action"] == "update"
    app.slack.wait_for(lambda: app.slack.messages(DESK_CHANNEL), timeout=30)
    app.slack.wait_for(lambda: app.slack.dms(REPORTER_EN), timeout=30)
    app.slack.wait_for(lambda: app.runtime.health.backlog().waiting == 0, timeout=30)
    scraped = requests.get(app.base_url + "/metrics", timeout=10)
    assert scraped.status_code == 200
    assert scraped.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    text = scraped.text
    assert metric(text, "harassment_desk_reports_stored_total") == 1
    assert metric(text, 'harassment_desk_slack_api_errors_total{code="not_in_channel"}') == 1
    assert (
        metric(text, 'harassment_desk_deliveries_total{kind="report.desk_message",outcome="sent"}')
        == 1
    )
    assert metric(text, "harassment_desk_outbox_backlog") == 0
    assert metric(text, 'harassment_desk_ack_seconds_count{kind="view_submission"}') == 1
    assert metric(text, 'harassment_desk_ack_seconds_count{kind="command"}') == 1
    reference = app.slack.messages(DESK_CHANNEL)[0]["text"]
    case_reference = next(w for w in reference.split() if w.strip("*.:").startswith("CH-"))
    for personal in (REPORTER_EN, DESK_CHANNEL, "LYCHEE-7781", case_reference.strip("*.:")):
        assert personal not in text, personal
    labels = set(re.findall(r"\{([^}]*)\}", text))
    keys = {part.split("=")[0] for label in labels for part in label.split(",") if part}
    assert keys <= {"kind", "outcome", "code", "le"}, keys


def test_json_logs_one_object_per_line_and_no_scheduler_chatter(
    slack: SlackStandIn, sqlite_url: str
) -> None:
    env = base_env(slack, sqlite_url, LOG_FORMAT="json", LOG_LEVEL="INFO")
    process = AppProcess(env, free_port()).start()
    sender = SlackRequestSender(process.url, SIGNING_SECRET, standin=slack)
    try:
        trigger = slack.new_trigger_id(REPORTER_EN)
        sender.command("/harassment", user_id=REPORTER_EN, trigger_id=trigger)
        call = slack.wait_for(
            lambda: next(
                (c for c in slack.calls_to("views.open") if c.args["trigger_id"] == trigger), None
            ),
            timeout=30,
        )
        sender.interaction(
            sender.view_submission(call.response["view"], report_values(), REPORTER_EN)
        )
        slack.wait_for(lambda: slack.dms(REPORTER_EN), timeout=30)
    finally:
        sender.close()
        process.stop()
    lines = [line for line in process.output().splitlines() if line.strip()]
    entries = [json.loads(line) for line in lines]  # every line is one JSON object
    assert entries and all({"time", "level", "logger", "message"} <= set(e) for e in entries)
    assert any(e["message"].startswith("scheduler started") for e in entries)
    chatter = [e for e in entries if e["logger"].startswith("apscheduler")]
    assert chatter == [], chatter[:3]
