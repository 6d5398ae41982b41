"""The case state machine and the desk's pure builders, without Slack or a database."""

from __future__ import annotations

import pytest

from bot.desk import ids
from bot.desk.messages import case_state_blocks, timeline_message
from bot.desk.modals import CaseSummary, ModalMeta, desk_modal, parse_modal
from bot.desk.service import parse_button_value
from bot.desk.states import (
    Action,
    TransitionRefused,
    available_actions,
    next_status,
    reporter_milestones,
)
from bot.standin import build_state_values, validate_message_blocks, validate_view

NEW, ACK, ESC, RES = "new", "acknowledged", "escalated", "resolved"


@pytest.mark.parametrize(
    ("status", "action", "expected"),
    [
        (NEW, Action.ACKNOWLEDGE, ACK),
        (NEW, Action.ASSIGN, ACK),
        (NEW, Action.ESCALATE, ESC),
        (NEW, Action.NOTE, NEW),
        (ACK, Action.ASSIGN, ACK),
        (ACK, Action.ESCALATE, ESC),
        (ACK, Action.RESOLVE, RES),
        (ESC, Action.ESCALATE, ESC),
        (ESC, Action.ASSIGN, ESC),
        (ESC, Action.RESOLVE, RES),
        (RES, Action.REOPEN, ACK),
        (RES, Action.NOTE, RES),
    ],
)
def test_allowed_transitions(status: str, action: Action, expected: str) -> None:
    assert next_status(status, action) == expected


@pytest.mark.parametrize(
    ("status", "action", "reason"),
    [
        (ACK, Action.ACKNOWLEDGE, "desk.refused.already_acknowledged"),
        (ESC, Action.ACKNOWLEDGE, "desk.refused.already_acknowledged"),
        (NEW, Action.RESOLVE, "desk.refused.acknowledge_first"),
        (ACK, Action.REOPEN, "desk.refused.not_resolved"),
        (RES, Action.RESOLVE, "desk.refused.resolved"),
        (RES, Action.ASSIGN, "desk.refused.resolved"),
        (RES, Action.ESCALATE, "desk.refused.resolved"),
        (RES, Action.ACKNOWLEDGE, "desk.refused.resolved"),
    ],
)
def test_impossible_transitions_are_refused_with_a_reason(
    status: str, action: Action, reason: str
) -> None:
    with pytest.raises(TransitionRefused) as refused:
        next_status(status, action)
    assert refused.value.refusal.key == reason


def test_buttons_follow_the_state() -> None:
    assert available_actions(NEW) == (
        Action.ACKNOWLEDGE,
        Action.ASSIGN,
        Action.ESCALATE,
        Action.NOTE,
    )
    assert available_actions(ACK) == (Action.ASSIGN, Action.ESCALATE, Action.RESOLVE, Action.NOTE)
    assert available_actions(RES) == (Action.REOPEN, Action.NOTE)


def test_reporter_hears_only_of_milestones() -> None:
    def milestones(
        action: Action, before: str, after: str, target: str | None = None, consent: bool = True
    ) -> tuple[str, ...]:
        return reporter_milestones(
            action, before, after, escalated_to=target, police_consent=consent
        )

    assert milestones(Action.ACKNOWLEDGE, NEW, ACK) == ("acknowledged",)
    assert milestones(Action.ASSIGN, ACK, ACK) == ()
    assert milestones(Action.NOTE, ACK, ACK) == ()
    assert milestones(Action.RESOLVE, ACK, RES) == ("resolved",)
    assert milestones(Action.ESCALATE, NEW, ESC, "police") == ("acknowledged", "police")
    assert milestones(Action.ESCALATE, ACK, ESC, "police", consent=False) == ()
    assert milestones(Action.ESCALATE, ACK, ESC, "legal") == ()


def test_button_values_carry_case_and_version() -> None:
    assert parse_button_value("42:3") == (42, 3)
    for bad in ("42", "x:1", "", None, "1:2:3", "-1:2"):
        assert parse_button_value(bad) is None
    blocks = case_state_blocks(
        status=NEW,
        value="42:3",
        locale="en",
        assignee_user_id=None,
        escalated_to=None,
        resolution=None,
        sla_breached=True,
    )
    assert validate_message_blocks(blocks) == []
    actions = blocks[-1]["elements"]
    assert actions[0]["action_id"] == ids.ACKNOWLEDGE_ACTION
    assert actions[0]["style"] == "primary"
    assert {element["value"] for element in actions} == {"42:3"}
    assert "Not acknowledged within the target time" in blocks[0]["elements"][0]["text"]


def test_timeline_notes_are_escaped_and_quoted() -> None:
    entry = timeline_message(
        action="note", actor="U0DESK0001", locale="en", note="<!channel> call <@U1> & co"
    )
    text = str(entry.blocks)
    assert "<!channel>" not in text and "<@U1>" not in text
    assert "&gt; &lt;!channel&gt; call &lt;@U1&gt; &amp; co" in text


@pytest.mark.parametrize("action", [Action.ASSIGN, Action.ESCALATE, Action.NOTE, Action.RESOLVE])
@pytest.mark.parametrize("locale", ["ja", "en"])
def test_modals_are_valid_and_parse_back(action: Action, locale: str) -> None:
    summary = CaseSummary("CH-2026-0001", ACK, police_consent=False, assignee_user_id=None)
    view = desk_modal(action, ModalMeta(7, 2), summary, locale)
    assert validate_view(view) == []
    assert ModalMeta.decode(view["private_metadata"]) == ModalMeta(7, 2)
    values = {
        ids.ASSIGNEE_BLOCK: "U0DESK0002",
        ids.ESCALATE_TO_BLOCK: "legal",
        ids.OUTCOME_BLOCK: "banned",
        ids.NOTE_BLOCK: "spoke to the store manager",
    }
    present = {block.get("block_id") for block in view["blocks"]}
    state = build_state_values(view["blocks"], {k: v for k, v in values.items() if k in present})
    parsed = parse_modal(action, state, locale=locale, is_staff=lambda user: True)
    assert not isinstance(parsed, dict), parsed
    assert parsed.note == "spoke to the store manager"


def test_modal_validation() -> None:
    summary = CaseSummary("CH-2026-0001", ACK, police_consent=False, assignee_user_id=None)
    assign = desk_modal(Action.ASSIGN, ModalMeta(1, 1), summary, "en")
    state = build_state_values(assign["blocks"], {ids.ASSIGNEE_BLOCK: "U0OTHER001"})
    errors = parse_modal(Action.ASSIGN, state, locale="en", is_staff=lambda user: False)
    assert errors == {
        ids.ASSIGNEE_BLOCK: "This person is not a member of the desk channel. "
        "Please choose a desk member."
    }
    resolve = desk_modal(Action.RESOLVE, ModalMeta(1, 1), summary, "ja")
    state = build_state_values(resolve["blocks"], {ids.OUTCOME_BLOCK: "other"})
    errors = parse_modal(Action.RESOLVE, state, locale="ja", is_staff=lambda user: True)
    assert isinstance(errors, dict) and ids.NOTE_BLOCK in errors
    note = desk_modal(Action.NOTE, ModalMeta(1, 1), summary, "en")
    state = build_state_values(note["blocks"], {ids.NOTE_BLOCK: "   "})
    errors = parse_modal(Action.NOTE, state, locale="en", is_staff=lambda user: True)
    assert errors == {ids.NOTE_BLOCK: "Please write the note."}
