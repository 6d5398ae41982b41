"""The one-minute form: only the narrative is required; safety and who-sees-what come first."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from bot.report import fields
from storage.models import Case
from tests.harness import DESK_CHANNEL, REPORTER_EN, REPORTER_JA, AppHarness


def cases(app: AppHarness) -> list[Case]:
    with app.deps.sessions() as session:
        return list(session.scalars(select(Case).order_by(Case.id)))


def inputs(view: dict[str, Any]) -> list[dict[str, Any]]:
    return [block for block in view["blocks"] if block["type"] == "input"]


def submit_only(app: AppHarness, view: dict[str, Any], user: str, **values: Any) -> Any:
    payload = app.sender.view_submission(view, values, user)
    response = app.sender.interaction(payload)
    assert response.status == 200, response.text
    return response.json() if response.text else {}


def test_the_narrative_alone_makes_a_case(app: AppHarness) -> None:
    view = app.open_report_form(REPORTER_JA)
    answer = submit_only(app, view, REPORTER_JA, narrative="店長を呼べと30分怒鳴られました。")
    assert answer["response_action"] == "update"
    [case] = cases(app)
    assert case.narrative == "店長を呼べと30分怒鳴られました。"
    assert (case.contact_channel, case.customer_type) == ("unknown", "unknown")
    assert case.categories == [] and not case.in_danger and case.identity == "named"
    assert not case.police_consent and case.checkins_wanted
    message = app.slack.wait_for(lambda: next(iter(app.slack.messages(DESK_CHANNEL)), None))
    assert "未記入" in json.dumps(message["blocks"], ensure_ascii=False)


def test_only_the_narrative_must_be_touched_and_it_comes_third(app: AppHarness) -> None:
    view = app.open_report_form(REPORTER_EN)
    blocks = inputs(view)
    assert [b["block_id"] for b in blocks[:3]] == [
        fields.IN_DANGER.block_id,
        fields.IDENTITY.block_id,
        fields.NARRATIVE.block_id,
    ]
    must_touch = [
        b["block_id"]
        for b in blocks
        if not b.get("optional") and not any(k.startswith("initial") for k in b["element"])
    ]
    assert must_touch == [fields.NARRATIVE.block_id]
    # The one-line "who sees what" sits right above the name question.
    position = view["blocks"].index(blocks[1])
    assert "Who reads it" in view["blocks"][position - 1]["elements"][0]["text"]
    # Police consent is its own question, not part of the follow-up choice.
    police = next(b for b in blocks if b["block_id"] == fields.POLICE.block_id)
    assert police["optional"] and len(police["element"]["options"]) == 1
    follow_up = next(b for b in blocks if b["block_id"] == fields.PREFERENCES.block_id)
    assert [o["value"] for o in follow_up["element"]["options"]] == ["checkins"]


def test_an_empty_narrative_is_refused_next_to_the_top(app: AppHarness) -> None:
    view = app.open_report_form(REPORTER_EN)
    answer = submit_only(app, view, REPORTER_EN)
    assert answer == {
        "response_action": "errors",
        "errors": {fields.NARRATIVE.block_id: "Please describe what happened."},
    }
    assert cases(app) == []


def test_police_consent_is_asked_on_its_own(app: AppHarness) -> None:
    view = app.open_report_form(REPORTER_EN)
    submit_only(app, view, REPORTER_EN, narrative="He threatened me.", police=["police_ok"])
    assert cases(app)[0].police_consent


def test_text_after_the_command_prefills_the_narrative(app: AppHarness) -> None:
    view = app.open_report_form(REPORTER_JA, text="店長を呼べと30分怒鳴られた")
    narrative = next(b for b in inputs(view) if b["block_id"] == fields.NARRATIVE.block_id)
    assert narrative["element"]["initial_value"] == "店長を呼べと30分怒鳴られた"
    view = app.open_report_form(REPORTER_EN, text="help me, he won't leave")
    narrative = next(b for b in inputs(view) if b["block_id"] == fields.NARRATIVE.block_id)
    assert narrative["element"]["initial_value"] == "help me, he won't leave"
    # Closed first: a second form while one is open is answered privately.
    assert app.sender.interaction(app.sender.view_closed(view, REPORTER_EN)).status == 200
    view = app.open_report_form(REPORTER_EN, text="report he kept me for two hours")
    narrative = next(b for b in inputs(view) if b["block_id"] == fields.NARRATIVE.block_id)
    assert narrative["element"]["initial_value"] == "he kept me for two hours"
