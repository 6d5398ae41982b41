"""App Home for reporters and desk staff, its refreshes, and `/harassment status`."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.orm import Session

from bot.desk import ids
from bot.home.service import HomeSources, build_home
from bot.report.ids import OPEN_REPORT_ACTION
from bot.sos.ids import OPEN_ACTION as SOS_ACTION
from bot.standin import SlackStandIn
from storage.models import Case
from tests.desk_support import click, load, report
from tests.harness import DESK_STAFF, OUTSIDER, REPORTER_EN, REPORTER_JA, AppHarness

DESK_ACTION_IDS = {
    ids.ACKNOWLEDGE_ACTION,
    ids.ASSIGN_ACTION,
    ids.ESCALATE_ACTION,
    ids.NOTE_ACTION,
    ids.RESOLVE_ACTION,
    ids.REOPEN_ACTION,
}


def open_home(app: AppHarness, user_id: str) -> None:
    response = app.sender.event({"type": "app_home_opened", "user": user_id, "tab": "home"})
    assert response.status == 200


def home_text(app: AppHarness, user_id: str) -> str:
    view = app.slack.home_view(user_id)
    return json.dumps(view["blocks"], ensure_ascii=False) if view else ""


def wait_home(app: AppHarness, user_id: str, *needles: str) -> str:
    def ready() -> str | None:
        text = home_text(app, user_id)
        return text if text and all(n in text for n in needles) else None

    return app.slack.wait_for(ready, timeout=10)


def action_ids(app: AppHarness, user_id: str) -> set[str]:
    view = app.slack.home_view(user_id) or {}
    found: set[str] = set()
    for block in view.get("blocks", []):
        elements = block.get("elements", []) if block["type"] == "actions" else []
        found.update(e.get("action_id", "") for e in [*elements, block.get("accessory") or {}])
    return found - {""}


def test_reporter_home_shows_only_their_reports_and_no_desk_controls(app: AppHarness) -> None:
    mine = report(app, REPORTER_JA)
    theirs = report(app, REPORTER_EN)
    open_home(app, REPORTER_JA)
    text = wait_home(app, REPORTER_JA, mine.reference)
    assert "新規(未確認)" in text and "最終更新" in text
    assert theirs.reference not in text
    assert "カスタマーハラスメントの基本" in text  # policy summary from the guidance
    assert "人事" in text or "HR" in text  # no HOTLINE_URL: ask HR
    assert action_ids(app, REPORTER_JA) == {OPEN_REPORT_ACTION, SOS_ACTION}
    assert "対応中の案件" not in text and "archives/" not in text

    # A change to their case refreshes their home (they opened it before).
    click(app, mine, ids.ACKNOWLEDGE_ACTION, DESK_STAFF[0])
    wait_home(app, REPORTER_JA, "確認済み")
    # The other reporter never opened the home: nothing is published for them.
    assert app.slack.home_view(REPORTER_EN) is None


def test_desk_home_lists_open_cases_unacknowledged_first_with_links_and_counts(
    slack: SlackStandIn, database_url: str
) -> None:
    overrides = {"ACK_SLA": "2s", "HOTLINE_URL": "https://hotline.example.com/report"}
    with AppHarness(slack, database_url, env_overrides=overrides) as app:
        older = report(app, REPORTER_EN)
        newer = report(app, REPORTER_JA, categories=["physical", "mental"])
        click(app, older, ids.ACKNOWLEDGE_ACTION, DESK_STAFF[0])
        app.slack.wait_for(lambda: load(app, older.id).status == "acknowledged", timeout=10)
        app.slack.wait_for(lambda: load(app, newer.id).sla_stage >= 1, timeout=10)

        staff = DESK_STAFF[1]
        open_home(app, staff)
        text = wait_home(app, staff, newer.reference, older.reference, "目標時間超過")
        # Unacknowledged first, then by age.
        assert text.index(newer.reference) < text.index(older.reference)
        ts = str(newer.desk_message_ts).replace(".", "")
        assert f"<https://standin.slack.com/archives/C0DESK0001/p{ts}|*{newer.reference}*>" in text
        assert "身体的な攻撃" in text and "状況別" in text
        assert "https://hotline.example.com/report" in text
        assert not (action_ids(app, staff) & DESK_ACTION_IDS)  # actions stay on the case message
        assert slack.calls_to("chat.getPermalink") == []

        # A new report refreshes the homes of desk staff who opened theirs.
        third = report(app, REPORTER_EN)
        wait_home(app, staff, third.reference)

        # Someone outside the desk who opens the home sees only their own (no) reports...
        open_home(app, OUTSIDER)
        outsider = wait_home(app, OUTSIDER, "You have not sent any reports")
        assert newer.reference not in outsider and "archives/" not in outsider
        # ...and is not sent a new home when someone else's case changes.
        publishes = len(
            [c for c in slack.calls_to("views.publish") if c.args["user_id"] == OUTSIDER]
        )
        click(app, newer, ids.ACKNOWLEDGE_ACTION, DESK_STAFF[0])
        wait_home(app, staff, "確認済み")
        app.slack.wait_for(lambda: load(app, newer.id).status == "acknowledged", timeout=10)
        later = [c for c in slack.calls_to("views.publish") if c.args["user_id"] == OUTSIDER]
        assert len(later) == publishes


def test_home_case_lines_hook_adds_a_line_per_case(app: AppHarness) -> None:
    case = report(app, REPORTER_EN)

    def checkin_line(session: Session, row: Case, locale: str, audience: str) -> str | None:
        return f"next check-in for {row.reference} ({audience})"

    sources = HomeSources(
        guidance=app.deps.guidance,
        hotline_url=None,
        links=app.deps.core.links,
        case_lines=(checkin_line,),
    )
    with app.deps.sessions() as session:
        reporter_view = build_home(
            session, REPORTER_EN, locale="en", is_staff=False, now=case.created_at, sources=sources
        )
        desk_view = build_home(
            session, DESK_STAFF[0], locale="en", is_staff=True, now=case.created_at, sources=sources
        )
    assert f"next check-in for {case.reference} (reporter)" in json.dumps(reporter_view)
    assert f"next check-in for {case.reference} (desk)" in json.dumps(desk_view)
    assert "(desk)" not in json.dumps(reporter_view)


def status(app: AppHarness, user_id: str) -> dict[str, Any]:
    response = app.sender.command("/harassment", "status", user_id=user_id)
    assert response.status == 200
    return dict(response.json())


def test_status_command_lists_the_callers_own_cases_privately(app: AppHarness) -> None:
    english = report(app, REPORTER_EN)
    japanese = report(app, REPORTER_JA)
    answer = status(app, REPORTER_EN)
    text = json.dumps(answer, ensure_ascii=False)
    assert answer["response_type"] == "ephemeral"
    assert english.reference in text and japanese.reference not in text
    assert "Your reports" in text and "New (not yet acknowledged)" in text

    click(app, japanese, ids.ACKNOWLEDGE_ACTION, DESK_STAFF[0])
    app.slack.wait_for(lambda: load(app, japanese.id).status == "acknowledged", timeout=10)
    answer_ja = json.dumps(status(app, REPORTER_JA), ensure_ascii=False)
    assert japanese.reference in answer_ja and "確認済み" in answer_ja
    assert english.reference not in answer_ja

    nothing = json.dumps(status(app, OUTSIDER), ensure_ascii=False)
    assert "You have not sent any reports" in nothing
    assert app.slack.calls_to("views.open") and len(app.slack.calls_to("views.open")) == 2
