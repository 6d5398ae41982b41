"""Helpers for the desk tests: file a report, click the case message's buttons, read the record."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from storage.models import Case, CaseEvent, OutboxMessage
from tests.harness import DESK_CHANNEL, REPORTER_JA, AppHarness


def report(app: AppHarness, user_id: str = REPORTER_JA, **values: Any) -> Case:
    """File a report and wait until its case message is posted and its ts stored."""
    view = app.open_report_form(user_id)
    response = app.submit_report(view, values, user_id=user_id)
    assert response.status == 200, response.text
    reference = response.json()["view"]["blocks"][0]["text"]["text"]

    def posted() -> Case | None:
        with app.deps.sessions() as session:
            for case in session.scalars(select(Case)):
                if case.reference in reference and case.desk_message_ts:
                    return case
        return None

    return app.slack.wait_for(posted, timeout=15)


def load(app: AppHarness, case_id: int) -> Case:
    with app.deps.sessions() as session:
        case = session.get(Case, case_id)
        assert case is not None
        return case


def audit(app: AppHarness, case_id: int | None = None) -> list[CaseEvent]:
    with app.deps.sessions() as session:
        query = select(CaseEvent).order_by(CaseEvent.id)
        if case_id is not None:
            query = query.where(CaseEvent.case_id == case_id)
        return list(session.scalars(query))


def actions_of(app: AppHarness, case_id: int) -> list[str]:
    return [event.action for event in audit(app, case_id)]


def outbox_kinds(app: AppHarness, case_id: int) -> list[str]:
    with app.deps.sessions() as session:
        query = select(OutboxMessage.kind).where(OutboxMessage.case_id == case_id)
        return list(session.scalars(query.order_by(OutboxMessage.id)))


def case_message(app: AppHarness, case: Case) -> dict[str, Any]:
    assert case.desk_message_ts
    message = app.slack.find_message(DESK_CHANNEL, case.desk_message_ts)
    assert message is not None
    return message


def buttons(message: dict[str, Any]) -> dict[str, str]:
    """action_id -> value of the buttons on a message."""
    return {
        element["action_id"]: element.get("value", "")
        for block in message.get("blocks", [])
        if block.get("type") == "actions"
        for element in block["elements"]
    }


def click_payload(
    app: AppHarness, case: Case, action_id: str, user_id: str, value: str | None = None
) -> dict[str, Any]:
    return app.sender.block_actions(
        action_id,
        value=value,
        user_id=user_id,
        channel_id=DESK_CHANNEL,
        message_ts=case.desk_message_ts,
    )


def click(
    app: AppHarness, case: Case, action_id: str, user_id: str, value: str | None = None
) -> None:
    response = app.sender.interaction(click_payload(app, case, action_id, user_id, value))
    assert response.status == 200, response.text


def private_replies(app: AppHarness) -> list[str]:
    """Texts the app sent back through response_urls (ephemeral answers to clicks)."""
    return [str(call.args.get("text", "")) for call in app.slack.calls_to("response_url")]


def wait_private_reply(app: AppHarness, count: int = 1) -> list[str]:
    return app.slack.wait_for(
        lambda: private_replies(app) if len(private_replies(app)) >= count else None, timeout=10
    )


def thread(app: AppHarness, case: Case) -> list[dict[str, Any]]:
    assert case.desk_message_ts
    return app.slack.replies(DESK_CHANNEL, case.desk_message_ts)


def thread_texts(app: AppHarness, case: Case) -> list[str]:
    return [text_of(message) for message in thread(app, case)]


def wait_thread(app: AppHarness, case: Case, predicate: Any, timeout: float = 10) -> list[str]:
    def check() -> list[str] | None:
        texts = thread_texts(app, case)
        return texts if predicate(texts) else None

    return app.slack.wait_for(check, timeout=timeout)


def text_of(message: dict[str, Any]) -> str:
    return json.dumps(message.get("blocks", []), ensure_ascii=False) + message.get("text", "")


def open_modal(app: AppHarness, case: Case, action_id: str, user_id: str) -> dict[str, Any]:
    before = len(app.slack.calls_to("views.open"))
    click(app, case, action_id, user_id)
    app.slack.wait_for(lambda: len(app.slack.calls_to("views.open")) > before, timeout=10)
    call = app.slack.calls_to("views.open")[-1]
    assert call.response.get("ok"), call.response
    return dict(call.response["view"])


def submit(
    app: AppHarness, view: dict[str, Any], values: dict[str, Any], user_id: str
) -> dict[str, Any] | None:
    payload = app.sender.view_submission(view, values, user_id)
    response = app.sender.interaction(payload)
    assert response.status == 200, response.text
    return response.json() if response.text else None
