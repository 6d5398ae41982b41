"""A case through the four steps to closing, through signed requests and the stand-in: facts,
care, a measure, the two-person stop, a prevention action reminded when due, closing refused
with it open unless a lead says why, feedback to an anonymous reporter, the closing survey and
the monthly report. Time is a FrozenClock moved by hand."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.clock import FrozenClock
from bot.customers import ids as customer_ids
from bot.desk import ids as desk_ids
from bot.handling import ids
from bot.standin import SlackStandIn
from storage.models import CaseEvent, CustomerMeasure, PreventionAction, SurveyAnswer
from tests.conversation_support import dm_thread, receipt
from tests.desk_support import (
    actions_of,
    audit,
    case_message,
    click,
    load,
    open_modal,
    private_replies,
    report,
    submit,
    text_of,
    wait_private_reply,
    wait_thread,
)
from tests.harness import DESK_CHANNEL, DESK_STAFF, REPORTER_JA, AppHarness

LEAD, OTHER = DESK_STAFF
TOKYO = ZoneInfo("Asia/Tokyo")


def frozen() -> FrozenClock:
    return FrozenClock(datetime.now(UTC).replace(microsecond=0))


def case_text(app: AppHarness, case_id: int) -> str:
    return text_of(case_message(app, load(app, case_id)))


def wait_case_text(app: AppHarness, case_id: int, needle: str) -> str:
    def check() -> str | None:
        found = case_text(app, case_id)
        return found if needle in found else None

    return str(app.slack.wait_for(check, timeout=15))


def step(app: AppHarness, case: Any, what: str, values: dict[str, Any], user: str = OTHER) -> None:
    view = open_modal(app, case, ids.button_id(what), user)
    answer = submit(app, view, values, user)
    assert answer is None, answer  # closed: saved


def reply_after(app: AppHarness, count: int) -> str:
    return wait_private_reply(app, count)[-1]


def link_customer(app: AppHarness, case: Any) -> None:
    view = open_modal(app, case, customer_ids.LINK_ACTION, OTHER)
    values = {customer_ids.PICK_BLOCK: customer_ids.NEW_RECORD, customer_ids.NAME_BLOCK: "山田様"}
    assert submit(app, view, values, OTHER) is None
    wait_case_text(app, case.id, "山田様")


def test_a_case_through_the_four_steps_to_closing(slack: SlackStandIn, database_url: str) -> None:
    clock = frozen()
    env = {"DESK_LEADS": LEAD}
    with AppHarness(slack, database_url, env_overrides=env, clock=clock) as app:
        today = clock.now().astimezone(TOKYO).date()
        case = report(app, REPORTER_JA, identity="anonymous", customer_text="山田")
        root = receipt(app, REPORTER_JA, case.reference)
        text = wait_case_text(app, case.id, "事実確認")
        assert "対応段階:* 事実確認" in text and "期限" in text
        click(app, case, desk_ids.ACKNOWLEDGE_ACTION, OTHER)
        wait_case_text(app, case.id, "期限内に送信済み")  # the acknowledgement, on time
        link_customer(app, case)

        step(
            app,
            case,
            ids.FACTS,
            {
                ids.CONFIRMED_BLOCK: ["what_happened", "words_actions"],
                ids.METHODS_BLOCK: ["interview", "recording"],
                ids.WITH_WHOM_BLOCK: ["reporter", "witness"],
                ids.NOTES_BLOCK: "Recording <!channel> kept",
            },
        )
        line = wait_thread(app, case, lambda t: any("事実確認を記録" in x for x in t))
        facts = next(x for x in line if "事実確認を記録" in x)
        assert "聞き取り" in facts and "&lt;!channel&gt;" in facts and "<!channel>" not in facts
        wait_case_text(app, case.id, "対応段階:* 被害者への配慮")

        step(app, case, ids.CARE, {ids.OFFERED_BLOCK: ["leave", "kokoro_no_mimi"]})
        wait_case_text(app, case.id, "対応段階:* 顧客等への措置")
        step(app, case, ids.MEASURE, {ids.KIND_BLOCK: "warning"})
        wait_case_text(app, case.id, "対応段階:* 再発防止")

        # Stop dealing with the customer: one person asks, the same person cannot confirm,
        # a second desk member does; then the register holds service_refused.
        click(app, case, ids.button_id(ids.STOP), OTHER)
        assert "別の窓口メンバー" in reply_after(app, 1)
        wait_case_text(app, case.id, "打ち切りを確認")
        click(app, case, ids.button_id(ids.STOP), OTHER)
        assert "2人の窓口メンバーが必要" in reply_after(app, 2)
        assert "handling.stop_refused_same_person" in actions_of(app, case.id)
        click(app, case, ids.button_id(ids.STOP), LEAD)
        assert "顧客台帳に" in reply_after(app, 3)
        with app.deps.sessions() as session:
            kinds = list(session.scalars(select(CustomerMeasure.kind).order_by(CustomerMeasure.id)))
        assert kinds == ["warning", "service_refused"]
        assert actions_of(app, case.id).count("handling.stop_confirmed") == 1
        app.slack.wait_for(lambda: ids.button_id(ids.STOP) not in case_text(app, case.id))

        # A prevention action due tomorrow: on the desk's App Home until done.
        app.sender.event({"type": "app_home_opened", "user": OTHER, "tab": "home"})
        app.slack.wait_for(lambda: home_of(app, OTHER) is not None, timeout=10)
        due = today + timedelta(days=1)
        step(
            app,
            case,
            ids.PREVENTION,
            {
                ids.TEXT_BLOCK: "Two staff at the counter",
                ids.OWNER_BLOCK: OTHER,
                ids.DUE_BLOCK: due,
            },
        )
        wait_case_text(app, case.id, "再発防止(未完了 1)")
        app.slack.wait_for(lambda: "Two staff" in (home_of(app, OTHER) or ""), timeout=10)

        # Closing with it open: refused for a desk member who is not a lead.
        replies = len(private_replies(app))
        click(app, case, desk_ids.RESOLVE_ACTION, OTHER)
        assert "未完了の再発防止の取組" in reply_after(app, replies + 1)
        assert load(app, case.id).status == "acknowledged"

        # Due: the reminder fires once, in the thread and to the owner.
        clock.advance(timedelta(days=2))
        app.slack.wait_for(lambda: slack.dms(OTHER), timeout=15)
        assert "Two staff" in text_of(slack.dms(OTHER)[0])
        wait_thread(app, case, lambda t: any("再発防止の取組が期限" in x for x in t))
        time.sleep(2.5)  # a few more ticks: nothing more is sent
        assert len(slack.dms(OTHER)) == 1
        assert actions_of(app, case.id).count("handling.prevention_reminded") == 1

        # Feedback to the anonymous reporter, through the conversation.
        step(app, case, ids.FEEDBACK, {ids.TEXT_BLOCK: "We warned the customer."})

        def feedback_dm() -> str | None:
            found = [text_of(m) for m in dm_thread(app, root["ts"]) if "We warned" in text_of(m)]
            return found[0] if found else None

        dm = app.slack.wait_for(feedback_dm, timeout=15)
        assert OTHER not in dm and LEAD not in dm  # sent as the desk
        copy = wait_thread(app, case, lambda t: any("We warned" in x for x in t))
        assert all(REPORTER_JA not in x for x in copy)  # nothing names the reporter
        assert REPORTER_JA not in case_text(app, case.id)

        # A lead closes it with the action still open, and says why.
        view = open_modal(app, case, desk_ids.RESOLVE_ACTION, LEAD)
        answer = submit(app, view, {desk_ids.OUTCOME_BLOCK: "warning_issued"}, LEAD)
        assert answer is not None and "理由をメモに" in json.dumps(answer, ensure_ascii=False)
        view = open_modal(app, case, desk_ids.RESOLVE_ACTION, LEAD)
        values = {desk_ids.OUTCOME_BLOCK: "warning_issued", desk_ids.NOTE_BLOCK: "Owner on leave"}
        assert submit(app, view, values, LEAD) is None
        resolved = [e for e in audit(app, case.id) if e.action == "resolve"][-1]
        assert (resolved.actor_user_id, resolved.note) == (LEAD, "Owner on leave")
        assert (resolved.before or {})["prevention_open"] == 1

        # The closing survey: the reporter answers, counted only in aggregate.
        survey = app.slack.wait_for(lambda: survey_dm(app), timeout=15)
        assert survey["value"] == str(case.id)
        before = len(app.slack.calls_to("views.open"))
        payload = app.sender.block_actions(
            ids.SURVEY_ACTION, value=str(case.id), user_id=REPORTER_JA, channel_id="D" + REPORTER_JA
        )
        assert app.sender.interaction(payload).status == 200
        app.slack.wait_for(lambda: len(app.slack.calls_to("views.open")) > before, timeout=10)
        view = app.slack.calls_to("views.open")[-1].response["view"]
        values = {ids.SUPPORTED_BLOCK: "4", ids.AGAIN_BLOCK: "5", ids.COMMENT_BLOCK: "Thanks"}
        answer = submit(app, view, values, REPORTER_JA)
        assert answer is not None and "ありがとう" in json.dumps(answer, ensure_ascii=False)
        with app.deps.sessions() as session:
            stored = session.get(SurveyAnswer, case.id)
            assert stored is not None and (stored.supported, stored.consult_again) == (4, 5)

        # Done from the reminder: off the App Home.
        with app.deps.sessions() as session:
            action_id = session.scalars(select(PreventionAction.id)).one()
        payload = app.sender.block_actions(ids.DONE_ACTION, value=str(action_id), user_id=OTHER)
        assert app.sender.interaction(payload).status == 200
        app.slack.wait_for(lambda: "未完了の取組はありません" in (home_of(app, OTHER) or ""))

        # The monthly report shows the new figures (the survey's single answer as "<3").
        month = load(app, case.id).created_at.astimezone(TOKYO).strftime("%Y-%m")
        response = app.sender.command("/harassment", f"stats {month}", user_id=LEAD)
        assert response.status == 200
        post = app.slack.wait_for(lambda: report_post(app), timeout=20)
        assert "対応の状況" in post and "完了時アンケート: 回答 <3" in post
        assert "相談者への受付の連絡: 期限内 <3" in post
        assert "相談者への結果報告: 期限内 <3" in post
        assert "We warned" not in post and "Thanks" not in post


def home_of(app: AppHarness, user_id: str) -> str | None:
    views = [c for c in app.slack.calls_to("views.publish") if c.args.get("user_id") == user_id]
    return json.dumps(views[-1].args.get("view"), ensure_ascii=False) if views else None


def survey_dm(app: AppHarness) -> dict[str, Any] | None:
    for message in app.slack.dms(REPORTER_JA):
        for block in message.get("blocks", []):
            for element in block.get("elements", []):
                if element.get("action_id") == ids.SURVEY_ACTION:
                    return dict(element)
    return None


def report_post(app: AppHarness) -> str | None:
    for message in app.slack.messages(DESK_CHANNEL):
        if "月次報告" in message.get("text", ""):
            return json.dumps(message.get("blocks"), ensure_ascii=False)
    return None


def test_outsiders_are_refused_and_audited(app: AppHarness) -> None:
    case = report(app, REPORTER_JA)
    click(app, case, ids.button_id(ids.FACTS), "U0OTHER001")
    assert "only members" in wait_private_reply(app)[0] or "窓口" in wait_private_reply(app)[0]
    with app.deps.sessions() as session:
        denied = session.scalars(
            select(CaseEvent.action).where(CaseEvent.actor_user_id == "U0OTHER001")
        ).all()
    assert "denied:handling.facts" in denied
