"""Answers owed to the reporter reminded before they fall due, the police checklist on an
escalation to the police, and cooperation requests recorded from the case and exported."""

from __future__ import annotations

import csv
import io
import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.clock import FrozenClock
from bot.desk import ids as desk_ids
from bot.export.labels import Labels
from bot.export.service import MonthRange, build_export
from bot.handling import ids
from bot.standin import SlackStandIn
from bot.stats.figures import Month
from tests.desk_support import (
    actions_of,
    click,
    load,
    open_modal,
    report,
    submit,
    thread_texts,
    wait_thread,
)
from tests.harness import DESK_STAFF, REPORTER_EN, REPORTER_JA, AppHarness

DESK = DESK_STAFF[0]
TOKYO = ZoneInfo("Asia/Tokyo")


def test_answers_owed_to_the_reporter_are_reminded_once_before_they_fall_due(
    slack: SlackStandIn, database_url: str
) -> None:
    clock = FrozenClock(datetime.now(UTC).replace(microsecond=0))
    env = {"ACK_TO_REPORTER": "4d", "FEEDBACK_DUE": "8d", "ACK_SLA": "30d"}
    with AppHarness(slack, database_url, env_overrides=env, clock=clock) as app:
        case = report(app, REPORTER_JA)
        clock.advance(timedelta(days=2))
        time.sleep(2)
        assert not any("受付の連絡の期限" in x for x in thread_texts(app, case))

        clock.advance(timedelta(days=1, hours=1))  # three quarters of 4d passed
        texts = wait_thread(app, case, lambda t: any("受付の連絡の期限" in x for x in t))
        due = (load(app, case.id).created_at + timedelta(days=4)).astimezone(TOKYO).date()
        assert any(due.isoformat() in x for x in texts)
        click(app, case, desk_ids.ACKNOWLEDGE_ACTION, DESK)

        clock.advance(timedelta(days=3))  # past three quarters of 8d: feedback is owed
        wait_thread(app, case, lambda t: any("結果報告の期限" in x for x in t))
        time.sleep(2.5)  # more ticks: each reminder once
        texts = thread_texts(app, case)
        assert sum("受付の連絡の期限" in x for x in texts) == 1
        assert sum("結果報告の期限" in x for x in texts) == 1
        assert actions_of(app, case.id).count("handling.feedback_reminded") == 1


def test_police_checklist_and_a_cooperation_request_in_the_export(app: AppHarness) -> None:
    case = report(app, REPORTER_EN)
    view = open_modal(app, case, desk_ids.ESCALATE_ACTION, DESK)
    submit(app, view, {desk_ids.ESCALATE_TO_BLOCK: "police"}, DESK)
    texts = wait_thread(app, case, lambda t: any("退去を命じる" in x for x in t))
    checklist = next(x for x in texts if "退去を命じる" in x)
    assert "#9110" in checklist and "2、3度" in checklist  # the manual's flow, in the desk's ja

    view = open_modal(app, case, ids.button_id(ids.COOPERATION), DESK)
    today = app.deps.clock.now().astimezone(TOKYO).date()
    values = {
        ids.DIRECTION_BLOCK: "made",
        ids.COMPANY_BLOCK: "=Example Logistics",
        ids.DATE_BLOCK: today,
        ids.ASKED_BLOCK: "Please tell your driver <@U0REPJA001> to stop",
        ids.ANSWERED_BLOCK: "They will talk to him",
    }
    assert submit(app, view, values, DESK) is None
    line = next(
        x
        for x in wait_thread(app, case, lambda t: any("協力要請" in x for x in t))
        if "協力要請" in x
    )
    assert "Example Logistics" in line and "&lt;@U0REPJA001&gt;" in line

    month = Month(today.year, today.month)
    labels = Labels("en", app.deps.guidance.category_label)
    with app.deps.sessions() as session:
        plain = build_export(
            session,
            MonthRange(month, month),
            hours=app.settings.desk_hours,
            labels=labels,
            with_text=False,
        )
        full = build_export(
            session,
            MonthRange(month, month),
            hours=app.settings.desk_hours,
            labels=labels,
            with_text=True,
        )
    rows = list(csv.DictReader(io.StringIO(plain.content.decode("utf-8-sig"))))
    assert rows[0]["cooperation_requests"] == (
        f"We asked another company {today.isoformat()} =Example Logistics"
    )
    assert "driver" not in plain.content.decode("utf-8-sig")  # the text only with --with-text
    text_rows = list(csv.DictReader(io.StringIO(full.content.decode("utf-8-sig"))))
    assert "They will talk to him" in text_rows[0]["cooperation_text"]
