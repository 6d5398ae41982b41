"""Forged ids in the buttons the later features added never reach an unexpected error
(the conversation, customer register and awareness buttons)."""

from __future__ import annotations

import pytest

from bot.awareness import ids as awareness_ids
from bot.conversation import ids as conversation_ids
from bot.customers import ids as customer_ids
from tests.desk_support import click_payload, report
from tests.harness import DESK_STAFF, REPORTER_EN, AppHarness

# "²" passes str.isdigit() but not int(); the other overflows a database integer.
FORGED = ("²", "99999999999999999999")
BUTTONS = (
    conversation_ids.MESSAGE_REPORTER_ACTION,
    conversation_ids.ASK_NAME_ACTION,
    customer_ids.LINK_ACTION,
    awareness_ids.GOT_IT_ACTION,
)


def private_texts(app: AppHarness) -> list[str]:
    """What the clicker was told privately: response_url answers and ephemeral messages."""
    return [
        str(call.args.get("text", ""))
        for call in app.slack.calls
        if call.method in ("response_url", "chat.postEphemeral")
    ]


@pytest.mark.parametrize("action_id", BUTTONS)
def test_a_forged_id_in_a_button_gets_a_plain_answer_not_an_error(
    app: AppHarness, action_id: str
) -> None:
    case = report(app, REPORTER_EN)
    unexpected = ("Sorry, something went wrong", "申し訳ありません。システム側でエラー")
    for value in FORGED:
        before = len(private_texts(app))
        payload = click_payload(app, case, action_id, DESK_STAFF[0], value)
        response = app.sender.interaction(payload)
        assert response.status == 200, (value, response.status, response.text)

        def answered(before: int = before) -> list[str] | None:
            return private_texts(app)[before:] or None

        texts = app.slack.wait_for(answered, timeout=10)
        assert not any(text.startswith(unexpected) for text in texts), (action_id, value, texts)
