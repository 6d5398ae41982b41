"""The case state machine, pure: which actions a case offers and where each one leads.

    new ──acknowledge──▶ acknowledged ──escalate──▶ escalated
     │  ──assign──────▶ acknowledged      │ ▲            │
     │  ──escalate────────────────────────┼─┘            │
     │                                    ▼              ▼
     │                                 resolved ◀──resolve──
     │                                    │
     └── (resolve needs acknowledge first) └──reopen──▶ acknowledged

Assigning or escalating a new case also acknowledges it: someone has taken it, so the SLA stops
and the reporter hears that the desk has it. Notes are allowed in every state and change nothing
but the record. A resolved case only takes notes or a reopen.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from bot.desk import ids
from storage.models import CaseStatus


class Action(StrEnum):
    ACKNOWLEDGE = "acknowledge"
    ASSIGN = "assign"
    ESCALATE = "escalate"
    NOTE = "note"
    RESOLVE = "resolve"
    REOPEN = "reopen"
    RESTRICT = "restrict"  # desk leads: keep the case to named handlers (and the leads)
    UNRESTRICT = "unrestrict"  # desk leads: every desk member sees it again


NEW, ACKNOWLEDGED, ESCALATED, RESOLVED = (
    CaseStatus.NEW,
    CaseStatus.ACKNOWLEDGED,
    CaseStatus.ESCALATED,
    CaseStatus.RESOLVED,
)
STATUSES = (NEW, ACKNOWLEDGED, ESCALATED, RESOLVED)

ESCALATION_TARGETS = ("police", "legal", "management", "expert")
OUTCOMES = (
    "warning_issued",
    "service_refused",
    "police_report_filed",
    "banned",
    "no_action",
    "other",
)


@dataclass(frozen=True)
class DeskAction:
    """One desk action: its button, where it takes a case, and its modal if it has one.

    Its labels are catalogue keys `desk.button.<action>`, `desk.timeline.<action>` and (for
    actions that change the state) `desk.did.<action>`; a modal's are `desk.modal.<action>.*`.
    """

    action: Action
    transitions: Mapping[str, str]  # status before -> status after; absent: refused
    # The modal's main input block (a refusal is shown under it); None: applied at once.
    modal_block: str | None = None

    @property
    def action_id(self) -> str:
        return ids.button_id(self.action.value)

    @property
    def view(self) -> str | None:
        return ids.view_id(self.action.value) if self.modal_block else None


# Notes and restrictions apply in every state (restricting changes who sees the case, not its
# state; leads only).
EVERY_STATE = {status: status for status in (*STATUSES, CaseStatus.WITHDRAWN)}

# Every desk action, in button order on the case message (the first offered is the primary one).
# The listeners, the buttons and the modals' tables are all built from this.
DESK_ACTIONS: tuple[DeskAction, ...] = (
    DeskAction(Action.ACKNOWLEDGE, {NEW: ACKNOWLEDGED}),
    DeskAction(
        Action.ASSIGN,
        {NEW: ACKNOWLEDGED, ACKNOWLEDGED: ACKNOWLEDGED, ESCALATED: ESCALATED},
        modal_block=ids.ASSIGNEE_BLOCK,
    ),
    DeskAction(
        Action.ESCALATE,
        {NEW: ESCALATED, ACKNOWLEDGED: ESCALATED, ESCALATED: ESCALATED},
        modal_block=ids.ESCALATE_TO_BLOCK,
    ),
    DeskAction(
        Action.RESOLVE,
        {ACKNOWLEDGED: RESOLVED, ESCALATED: RESOLVED},
        modal_block=ids.OUTCOME_BLOCK,
    ),
    DeskAction(Action.REOPEN, {RESOLVED: ACKNOWLEDGED}),
    # A case the reporter withdrew takes notes only.
    DeskAction(Action.NOTE, EVERY_STATE, modal_block=ids.NOTE_BLOCK),
    DeskAction(Action.RESTRICT, EVERY_STATE, modal_block=ids.HANDLERS_BLOCK),
    DeskAction(Action.UNRESTRICT, EVERY_STATE),
)
LEAD_ACTIONS = frozenset({Action.RESTRICT, Action.UNRESTRICT})
BY_ACTION: Mapping[Action, DeskAction] = {row.action: row for row in DESK_ACTIONS}
BY_BUTTON: Mapping[str, DeskAction] = {row.action_id: row for row in DESK_ACTIONS}
BY_VIEW: Mapping[str, DeskAction] = {row.view: row for row in DESK_ACTIONS if row.view}


@dataclass(frozen=True)
class Refusal:
    """Why an action does not apply to a case in this state: a catalogue key and its params."""

    key: str
    status: str


class TransitionRefused(Exception):
    def __init__(self, refusal: Refusal) -> None:
        super().__init__(refusal.key)
        self.refusal = refusal


def allowed(status: str, action: Action) -> bool:
    return status in BY_ACTION[action].transitions


def available_actions(
    status: str, *, restrictable: bool = False, restricted: bool = False
) -> tuple[Action, ...]:
    """The buttons the case message shows in `status`. *Restrict* only when there are desk
    leads to use it (`restrictable`), *Lift restriction* only on a restricted case."""
    shown = []
    for row in DESK_ACTIONS:
        if not allowed(status, row.action):
            continue
        if row.action is Action.RESTRICT and not restrictable:
            continue
        if row.action is Action.UNRESTRICT and not (restrictable and restricted):
            continue
        shown.append(row.action)
    return tuple(shown)


def next_status(status: str, action: Action) -> str:
    """Where `action` takes a case in `status`; raises TransitionRefused with the reason."""
    target = BY_ACTION[action].transitions.get(status)
    if target is None:
        raise TransitionRefused(refusal(status, action))
    return target


def refusal(status: str, action: Action) -> Refusal:
    if status == RESOLVED:
        return Refusal("desk.refused.resolved", status)
    if status == CaseStatus.WITHDRAWN:
        return Refusal("desk.refused.withdrawn", status)
    if action is Action.ACKNOWLEDGE:
        return Refusal("desk.refused.already_acknowledged", status)
    if action is Action.RESOLVE:
        return Refusal("desk.refused.acknowledge_first", status)
    if action is Action.REOPEN:
        return Refusal("desk.refused.not_resolved", status)
    return Refusal("desk.refused.generic", status)


def leaves_new(before: str, after: str) -> bool:
    """The case was just taken up: the SLA timer stops and the reporter hears of it."""
    return before == NEW and after != NEW


def changes_state(action: Action) -> bool:
    """Notes and restrictions do not touch the case's state, so they neither need nor bump its
    version (a restriction is checked on every later click instead: `AccessGate`)."""
    return action not in (Action.NOTE, Action.RESTRICT, Action.UNRESTRICT)


def reporter_milestones(
    action: Action, before: str, after: str, *, escalated_to: str | None, police_consent: bool
) -> tuple[str, ...]:
    """What the reporter is told about this change (never notes, never desk-internal detail)."""
    milestones: list[str] = []
    if leaves_new(before, after):
        milestones.append("acknowledged")
    if action is Action.ESCALATE and escalated_to == "police" and police_consent:
        milestones.append("police")
    if action is Action.RESOLVE:
        milestones.append("resolved")
    return tuple(milestones)
