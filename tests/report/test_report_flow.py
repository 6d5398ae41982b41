"""The report flow end to end: signed requests in, the stand-in's record of what Slack saw."""

from __future__ import annotations

import json
import time
from typing import Any

from sqlalchemy import func, select

from storage.models import Case, CaseEvent, OutboxMessage
from tests.harness import DESK_CHANNEL, REPORTER_EN, REPORTER_JA, AppHarness


def cases(app: AppHarness) -> list[Case]:
    with app.deps.sessions() as session:
        return list(session.scalars(select(Case).order_by(Case.id)))


def desk_messages(app: AppHarness) -> list[dict[str, Any]]:
    return app.slack.messages(DESK_CHANNEL)


def wait_for_desk_message(app: AppHarness, count: int = 1) -> list[dict[str, Any]]:
    app.slack.wait_for(lambda: len(desk_messages(app)) >= count, timeout=15)
    return desk_messages(app)


def wait_for_dm(app: AppHarness, user_id: str, count: int = 1) -> list[dict[str, Any]]:
    app.slack.wait_for(lambda: len(app.slack.dms(user_id)) >= count, timeout=15)
    return app.slack.dms(user_id)


def all_text(message: dict[str, Any]) -> str:
    return json.dumps(message.get("blocks", []), ensure_ascii=False) + message.get("text", "")


def test_command_acks_and_opens_the_form_in_the_users_language(app: AppHarness) -> None:
    started = time.perf_counter()
    response = app.sender.command("/harassment", "", user_id=REPORTER_JA)
    elapsed = time.perf_counter() - started
    assert response.status == 200
    assert response.text == ""  # an empty ack: Slack shows nothing in the channel
    assert elapsed < 2.5, "the ack must come well inside Slack's 3 seconds"
    app.slack.wait_for(lambda: app.slack.calls_to("views.open"))
    view = app.slack.calls_to("views.open")[-1].response["view"]
    assert view["title"]["text"] == "カスハラの報告"
    english = app.open_report_form(REPORTER_EN)
    assert english["title"]["text"] == "Report harassment"
    labels = [b["label"]["text"] for b in english["blocks"] if b["type"] == "input"]
    assert "What happened?" in labels


def test_report_subcommand_and_global_shortcut_open_the_form(app: AppHarness) -> None:
    view = app.open_report_form(REPORTER_EN, text="report")
    assert view["callback_id"] == "report_submit"
    # Closed first: a second form while one is open is answered privately.
    assert app.sender.interaction(app.sender.view_closed(view, REPORTER_EN)).status == 200
    before = len(app.slack.calls_to("views.open"))
    response = app.sender.interaction(
        app.sender.global_shortcut("report_harassment", user_id=REPORTER_EN)
    )
    assert response.status == 200
    app.slack.wait_for(lambda: len(app.slack.calls_to("views.open")) > before)


def test_message_shortcut_prefills_the_narrative_and_keeps_the_link(app: AppHarness) -> None:
    payload = app.sender.message_shortcut(
        "report_message",
        message={
            "type": "message",
            "text": "You are useless <@U0REPJA001> &amp; <https://x.example/a|this>",
            "ts": "1700000000.000100",
            "user": "U0CUSTOMER",
        },
        channel_id="C0GENERAL1",
        user_id=REPORTER_JA,
    )
    assert app.sender.interaction(payload).status == 200
    app.slack.wait_for(lambda: app.slack.calls_to("views.open"))
    view = app.slack.calls_to("views.open")[-1].response["view"]
    narrative = next(b for b in view["blocks"] if b.get("block_id") == "narrative")
    # Plain readable text: a name for the mention, the link's label.
    plain = "You are useless @hanako & this (https://x.example/a)"
    assert narrative["element"]["initial_value"] == plain
    assert "C0GENERAL1/p1700000000000100" in view["private_metadata"]

    app.submit_report(view, {"narrative": narrative["element"]["initial_value"]})
    message = wait_for_desk_message(app)[0]
    assert "C0GENERAL1/p1700000000000100" in all_text(message)
    assert "<@U0REPJA001>" not in json.dumps(message["blocks"][3:])  # escaped in the narrative
    assert "You are useless @hanako &amp; this" in all_text(message)  # escaped once
    assert "&amp;amp;" not in all_text(message)


def test_submission_stores_the_case_then_tells_the_desk_and_the_reporter(
    app: AppHarness,
) -> None:
    view = app.open_report_form(REPORTER_EN)
    narrative = "He threw the receipt at me and said he would post my name online.\n  (exactly)  "
    started = time.perf_counter()
    response = app.submit_report(view, {"narrative": narrative}, user_id=REPORTER_EN)
    elapsed = time.perf_counter() - started
    assert response.status == 200
    assert elapsed < 2.5
    answer = response.json()
    assert answer["response_action"] == "update"
    stored = cases(app)
    assert len(stored) == 1
    case = stored[0]
    assert answer["view"]["blocks"][0]["text"]["text"].count(case.reference) == 1
    assert case.narrative == narrative  # exactly as typed, whitespace included
    assert case.reference.startswith(f"CH-{case.created_at.year}-")
    assert case.reporter_user_id == REPORTER_EN
    with app.deps.sessions() as session:
        actions = session.scalars(select(CaseEvent.action).where(CaseEvent.case_id == case.id))
        assert list(actions) == ["reported"]

    desk = wait_for_desk_message(app)
    assert len(desk) == 1
    assert case.reference in desk[0]["text"]
    assert f"<@{REPORTER_EN}>" in all_text(desk[0])
    dm = wait_for_dm(app, REPORTER_EN)[0]
    assert case.reference in all_text(dm)
    assert "never count against you" in all_text(dm)
    app.slack.wait_for(lambda: cases(app)[0].desk_message_ts == desk[0]["ts"])


def test_retried_and_double_clicked_submissions_store_one_case(app: AppHarness) -> None:
    view = app.open_report_form(REPORTER_JA)
    first = app.submit_report(view)
    retry = app.submit_report(
        view, headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    )
    double = app.submit_report(view)
    references = {r.json()["view"]["blocks"][0]["text"]["text"] for r in (first, retry, double)}
    assert len(references) == 1
    assert len(cases(app)) == 1
    wait_for_desk_message(app)
    time.sleep(1.5)
    assert len(desk_messages(app)) == 1
    assert len(app.slack.dms(REPORTER_JA)) == 1


def test_bad_input_gets_field_errors_and_nothing_is_stored(app: AppHarness) -> None:
    view = app.open_report_form(REPORTER_EN)
    empty = app.submit_report(view, {"narrative": "   \n  "}, user_id=REPORTER_EN).json()
    assert empty["response_action"] == "errors"
    assert "narrative" in empty["errors"]
    future = app.submit_report(
        view, {"occurred_at": int(app.deps.clock.now().timestamp()) + 7200}, user_id=REPORTER_EN
    ).json()
    assert future["errors"] == {"occurred_at": "This time is in the future. When did it happen?"}
    too_long = app.submit_report(view, {"narrative": "x" * 3001}, user_id=REPORTER_EN).json()
    assert "3000" in too_long["errors"]["narrative"]
    japanese = app.open_report_form(REPORTER_JA)
    empty_ja = app.submit_report(japanese, {"narrative": ""}).json()
    assert empty_ja["errors"]["narrative"] == "何があったかを入力してください。"
    assert cases(app) == []


def test_user_text_is_escaped_and_pings_nobody(app: AppHarness) -> None:
    view = app.open_report_form(REPORTER_EN)
    hostile = "<!channel> <!here> <@U0DESK0001> <#C0GENERAL1> <!subteam^S123> Tom & Jerry"
    app.submit_report(
        view,
        {"narrative": hostile, "demands": "<!everyone> refund", "witnesses": "<@U0DESK0002>"},
        user_id=REPORTER_EN,
    )
    message = wait_for_desk_message(app)[0]
    text = all_text(message)
    for mention in (
        "<!channel>",
        "<!here>",
        "<@U0DESK0001>",
        "<#C0GENERAL1>",
        "<!subteam",
        "<!everyone>",
        "<@U0DESK0002>",
    ):
        assert mention not in text
    assert "&lt;!channel&gt;" in text
    assert "Tom &amp; Jerry" in text
    assert cases(app)[0].narrative == hostile


def test_in_danger_alerts_the_desk_and_puts_safety_first_in_the_dm(app: AppHarness) -> None:
    view = app.open_report_form(REPORTER_EN)
    app.submit_report(view, {"in_danger": "yes"}, user_id=REPORTER_EN)
    message = wait_for_desk_message(app)[0]
    assert message["text"].startswith("<!here>")
    assert "緊急" in message["blocks"][0]["text"]["text"]  # desk locale: ja
    dm = wait_for_dm(app, REPORTER_EN)[0]
    assert dm["blocks"][0]["type"] == "header"
    assert "110" in dm["blocks"][1]["text"]["text"]


def test_anonymous_reports_keep_the_reporter_out_of_the_desk_channel(app: AppHarness) -> None:
    view = app.open_report_form(REPORTER_EN)
    app.submit_report(view, {"identity": "anonymous"}, user_id=REPORTER_EN)
    message = wait_for_desk_message(app)[0]
    assert REPORTER_EN not in all_text(message)
    assert "alex" not in all_text(message)
    dm = wait_for_dm(app, REPORTER_EN)[0]
    assert "kept out of the desk channel" in all_text(dm)


def test_japanese_reporter_gets_everything_in_japanese(app: AppHarness) -> None:
    view = app.open_report_form(REPORTER_JA)
    app.submit_report(view, {"narrative": "「土下座しろ」と30分怒鳴られました。"})
    dm = wait_for_dm(app, REPORTER_JA)[0]
    assert "相談窓口" in dm["text"]
    assert "不利益な取扱い" in all_text(dm)
    message = wait_for_desk_message(app)[0]
    assert "報告" in message["blocks"][0]["text"]["text"]  # desk posts in DEFAULT_LOCALE (ja)
    assert "「土下座しろ」と30分怒鳴られました。" in all_text(message)


def test_a_long_narrative_fits_slacks_limits_instead_of_being_rejected(app: AppHarness) -> None:
    view = app.open_report_form(REPORTER_EN)
    narrative = "<&>" * 1000  # 3000 characters that grow fivefold when escaped
    app.submit_report(view, {"narrative": narrative, "demands": "&" * 1500}, user_id=REPORTER_EN)
    message = wait_for_desk_message(app)[0]
    assert all(len(block["text"]["text"]) <= 3000 for block in message["blocks"] if "text" in block)
    with app.deps.sessions() as session:
        failed = session.scalar(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == "failed")
        )
    assert failed == 0
    assert cases(app)[0].narrative == narrative


def test_forged_and_stale_signatures_are_refused(app: AppHarness) -> None:
    assert app.sender.command("/harassment", forge_signature=True).status == 401
    assert app.sender.command("/harassment", stale_timestamp=True).status == 401
    assert app.slack.calls_to("views.open") == []


def test_health_endpoint_reports_the_database(app: AppHarness) -> None:
    import requests

    health = requests.get(app.url.replace("/slack/events", "/healthz"), timeout=5)
    assert health.status_code == 200
    assert health.json()["ok"] is True


def test_an_expired_trigger_gets_a_clear_private_answer(app: AppHarness) -> None:
    response = app.sender.command(
        "/harassment", user_id=REPORTER_EN, channel_id="C0GENERAL1", trigger_id="1.2.expired"
    )
    assert response.status == 200
    app.slack.wait_for(lambda: app.slack.calls_to("views.open"))
    answer = app.slack.wait_for(lambda: app.slack.calls_to("response_url"), timeout=10)[0]
    assert answer.args["response_type"] == "ephemeral"
    assert "Slack allows 3 seconds" in answer.args["text"]
