"""One-tap SOS: the desk is alerted before any form is filled; 110 and the safety steps at once."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from bot.conversation.service import ConversationService
from bot.sos import ids
from storage.models import Case, CaseEvent
from tests.harness import DESK_CHANNEL, REPORTER_EN, REPORTER_JA, AppHarness, report_values
from tests.home.test_home import open_home, wait_home


def open_sos(app: AppHarness, user_id: str, text: str = "sos") -> dict[str, Any]:
    before = len(app.slack.calls_to("views.open"))
    assert app.sender.command("/harassment", text, user_id=user_id).status == 200
    app.slack.wait_for(lambda: len(app.slack.calls_to("views.open")) > before)
    call = app.slack.calls_to("views.open")[-1]
    assert call.response.get("ok"), call.response
    return dict(call.response["view"])


def send_sos(app: AppHarness, view: dict[str, Any], user_id: str, identity: str) -> Any:
    payload = app.sender.view_submission(view, {ids.IDENTITY_BLOCK: identity}, user_id)
    response = app.sender.interaction(payload)
    assert response.status == 200, response.text
    return response.json()


def cases(app: AppHarness) -> list[Case]:
    with app.deps.sessions() as session:
        return list(session.scalars(select(Case).order_by(Case.id)))


def test_sos_reaches_the_desk_before_any_form_is_filled(app: AppHarness) -> None:
    view = open_sos(app, REPORTER_JA)
    assert view["callback_id"] == ids.CONFIRM_VIEW
    shown = json.dumps(view["blocks"], ensure_ascii=False)
    assert "110番" in shown and "相談窓口" in shown  # who sees what, before the choice
    assert [b.get("block_id") for b in view["blocks"] if b["type"] == "input"] == [
        ids.IDENTITY_BLOCK
    ]

    answer = send_sos(app, view, REPORTER_JA, "anonymous")
    assert answer["response_action"] == "update"
    sent = json.dumps(answer["view"]["blocks"], ensure_ascii=False)
    [case] = cases(app)
    assert case.reference in sent
    assert "*110番*" in sent and "一人で対応しない" in sent  # 110 and the immediate steps
    assert ids.ADD_DETAILS_ACTION in sent

    # The desk is alerted with the urgent mention, and the name stays out of the channel.
    message = app.slack.wait_for(lambda: next(iter(app.slack.messages(DESK_CHANNEL)), None))
    assert message["text"].startswith("<!here>")
    assert case.reference in message["text"]
    assert REPORTER_JA not in json.dumps(message, ensure_ascii=False)
    assert case.in_danger and case.identity == "anonymous"
    with app.deps.sessions() as session:
        actions = session.scalars(select(CaseEvent.action).where(CaseEvent.case_id == case.id))
        assert set(actions) >= {"reported", "sos"}
    # The reporter's DM starts with the emergency steps, like any in-danger report.
    dm = app.slack.wait_for(lambda: next(iter(app.slack.dms(REPORTER_JA)), None))
    assert "110" in json.dumps(dm["blocks"], ensure_ascii=False)


def test_a_double_tap_on_send_stores_one_case(app: AppHarness) -> None:
    view = open_sos(app, REPORTER_EN)
    send_sos(app, view, REPORTER_EN, "named")
    send_sos(app, view, REPORTER_EN, "named")
    assert len(cases(app)) == 1
    message = app.slack.wait_for(lambda: next(iter(app.slack.messages(DESK_CHANNEL)), None))
    assert f"<@{REPORTER_EN}>" in json.dumps(message["blocks"])  # named, as chosen


def test_the_button_is_on_the_app_home_and_in_help(app: AppHarness) -> None:
    open_home(app, REPORTER_JA)
    wait_home(app, REPORTER_JA, "今すぐ助けが必要")
    home = app.slack.home_view(REPORTER_JA)
    before = len(app.slack.calls_to("views.open"))
    payload = app.sender.block_actions(ids.OPEN_ACTION, user_id=REPORTER_JA, view=home)
    assert app.sender.interaction(payload).status == 200
    app.slack.wait_for(lambda: len(app.slack.calls_to("views.open")) > before)
    assert app.slack.calls_to("views.open")[-1].response["view"]["callback_id"] == ids.CONFIRM_VIEW

    response = app.sender.command("/harassment", "help", user_id=REPORTER_EN)
    text = json.dumps(response.json(), ensure_ascii=False)
    assert "I need help now" in text and ids.OPEN_ACTION in text


def test_details_added_later_go_to_the_same_case(app: AppHarness) -> None:
    view = open_sos(app, REPORTER_JA)
    sent = send_sos(app, view, REPORTER_JA, "named")["view"]
    [case] = cases(app)
    app.slack.wait_for(lambda: cases(app)[0].desk_message_ts)
    # response_action "update" replaces the dialog in place: same view id, the "sent" blocks.
    shown = {**sent, "id": app.slack.modal_stack(REPORTER_JA)[-1]["id"]}
    assert sent["callback_id"] == ids.SENT_VIEW
    click = app.sender.block_actions(ids.ADD_DETAILS_ACTION, user_id=REPORTER_JA, view=shown)
    assert app.sender.interaction(click).status == 200
    app.slack.wait_for(lambda: app.slack.calls_to("views.push"))
    form = app.slack.calls_to("views.push")[-1].response["view"]
    assert form["callback_id"] == "report_submit"
    payload = app.sender.view_submission(
        form,
        {"narrative": "客に出口をふさがれています。", "categories": ["restrictive"]},
        REPORTER_JA,
    )
    response = app.sender.interaction(payload)
    assert response.status == 200 and response.json() == {"response_action": "clear"}
    [updated] = cases(app)
    assert updated.id == case.id and updated.narrative == "客に出口をふさがれています。"
    assert updated.categories == ["restrictive"] and updated.in_danger
    app.slack.wait_for(
        lambda: (
            "出口をふさがれて"
            in json.dumps(
                app.slack.find_message(DESK_CHANNEL, updated.desk_message_ts or ""),
                ensure_ascii=False,
            )
        )
    )
    app.slack.wait_for(
        lambda: any(
            "書き足しました" in r.get("text", "")
            for r in app.slack.replies(DESK_CHANNEL, updated.desk_message_ts or "")
        )
    )


def test_someone_else_cannot_add_to_an_sos_case(app: AppHarness) -> None:
    view = open_sos(app, REPORTER_JA)
    send_sos(app, view, REPORTER_JA, "anonymous")
    [case] = cases(app)
    other = app.open_report_form(REPORTER_EN)
    # A forged form claiming to add to someone else's case is refused, and stores nothing.
    from bot.report.modals import FormMetadata

    forged = dict(other)
    forged["private_metadata"] = FormMetadata("tok", "en", case_id=case.id).encode()
    payload = app.sender.view_submission(forged, {"narrative": "x"}, REPORTER_EN)
    answer = app.sender.interaction(payload).json()
    assert answer["response_action"] == "errors"
    assert cases(app)[0].narrative == case.narrative and len(cases(app)) == 1


def _forged_details(
    app: AppHarness, form: dict[str, Any], case_id: int, user_id: str
) -> dict[str, Any]:
    from bot.report.modals import FormMetadata

    form = dict(form)
    form["private_metadata"] = FormMetadata("tok2", "ja", case_id=case_id).encode()
    payload = app.sender.view_submission(
        form, report_values(narrative="書き換えた文章", witnesses=""), user_id
    )
    return dict(app.sender.interaction(payload).json())


def test_add_details_only_on_the_reporters_own_open_sos_case(app: AppHarness) -> None:
    # An ordinary report: a forged "add details" naming it must not replace its narrative.
    view = app.open_report_form(REPORTER_JA)
    assert app.submit_report(view, {"witnesses": "同僚の佐藤さん"}).status == 200
    app.slack.wait_for(lambda: len(cases(app)) == 1)
    [ordinary] = cases(app)
    form = app.open_report_form(REPORTER_JA)  # stays open: each forgery is answered with errors
    answer = _forged_details(app, form, ordinary.id, REPORTER_JA)
    assert answer["response_action"] == "errors"
    assert "SOSのご報告だけ" in json.dumps(answer, ensure_ascii=False)
    # The reporter's own SOS, once withdrawn, is closed to the form too.
    send_sos(app, open_sos(app, REPORTER_JA), REPORTER_JA, "anonymous")
    sos = cases(app)[-1]
    withdrawn = app.deps.service(ConversationService).withdraw(REPORTER_JA, sos.id)
    assert withdrawn.error is None
    answer = _forged_details(app, form, sos.id, REPORTER_JA)
    assert "すでに終了" in json.dumps(answer, ensure_ascii=False)
    stored = {case.id: case for case in cases(app)}
    assert stored[ordinary.id].narrative == ordinary.narrative
    assert stored[ordinary.id].witnesses == "同僚の佐藤さん"
    assert stored[sos.id].narrative == sos.narrative


def test_details_added_keep_the_before_image_in_the_case_history(app: AppHarness) -> None:
    send_sos(app, open_sos(app, REPORTER_EN), REPORTER_EN, "named")
    [sos] = cases(app)
    answer = _forged_details(app, app.open_report_form(REPORTER_EN), sos.id, REPORTER_EN)
    assert answer == {"response_action": "clear"}
    with app.deps.sessions() as session:
        [event] = session.scalars(
            select(CaseEvent).where(
                CaseEvent.case_id == sos.id, CaseEvent.action == "details_added"
            )
        ).all()
    assert event.before is not None and event.after is not None
    assert event.before["narrative"] == sos.narrative
    assert event.after["narrative"] == "書き換えた文章"
    assert event.before["categories"] == list(sos.categories or [])
