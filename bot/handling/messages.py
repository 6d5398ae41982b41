"""Pure builders of what the handling shows: the case message's step line and buttons, thread
lines, reminders, the police checklist, the survey DM and the desk's App Home section. Every
text a person wrote reaches mrkdwn escaped (quoted); the reporter is never named to the desk.
Kept as builders so a sealed mode can swap what reaches Slack."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from bot.content_mode import ContentMode
from bot.handling import ids
from bot.i18n import t
from bot.slack import blocks as bk
from bot.slack.blocks import SlackMessage
from bot.slack.mrkdwn import escape, quote, truncate_plain

STEPS = ("facts", "care", "measures", "prevention")
HOME_MAX = 15


@dataclass(frozen=True)
class StepState:
    """Where a case stands: counts per step and what is still owed to the reporter."""

    facts: int
    care: int
    measures: int
    prevention_open: int
    prevention_done: int
    stop_requested_by: str | None
    ack: str  # on_time | late | due | overdue
    ack_due: date
    feedback: str
    feedback_due: date
    stopped: bool = False  # the two-person stop was confirmed: no second one

    def done(self, step: str) -> bool:
        if step == "prevention":
            return self.prevention_done > 0 and self.prevention_open == 0
        return bool(getattr(self, step))

    @property
    def current(self) -> str | None:
        """The first step not done yet; None once all four are."""
        return next((step for step in STEPS if not self.done(step)), None)


def answer_state(sent: datetime | None, due: datetime, now: datetime) -> str:
    if sent is not None:
        return "on_time" if sent <= due else "late"
    return "due" if now <= due else "overdue"


def step_line(state: StepState, locale: str) -> str:
    marks = []
    for step in STEPS:
        mark = "✅" if state.done(step) else "⬜"
        label = t(f"handling.step.{step}", locale)
        if step == "prevention" and state.prevention_open:
            label = t("handling.step.prevention_open", locale, count=state.prevention_open)
        marks.append(f"{mark} {label}")
    current = state.current
    where = (
        t("handling.case.at_step", locale, step=t(f"handling.step.{current}", locale))
        if current
        else t("handling.case.all_steps", locale)
    )
    return f"{where} · " + " · ".join(marks)


def answers_line(state: StepState, locale: str) -> str:
    return t(
        "handling.case.answers",
        locale,
        ack=t(f"handling.answer.{state.ack}", locale, due=state.ack_due.isoformat()),
        feedback=t(f"handling.answer.{state.feedback}", locale, due=state.feedback_due.isoformat()),
    )


def case_blocks(state: StepState, case_id: int, locale: str, *, closed: bool) -> list[bk.Block]:
    """The handling's part of the case message: the step line, the answers owed, the buttons."""
    lines = [step_line(state, locale), answers_line(state, locale)]
    if state.stop_requested_by:
        lines.append(t("handling.case.stop_pending", locale, user=f"<@{state.stop_requested_by}>"))
    blocks: list[bk.Block] = [bk.context("\n".join(lines))]
    buttons = [
        bk.button(
            t(
                "handling.button.stop_confirm"
                if what == ids.STOP and state.stop_requested_by
                else f"handling.button.{what}",
                locale,
            ),
            ids.button_id(what),
            str(case_id),
            style="danger" if what == ids.STOP else None,
        )
        for what in ids.CASE_BUTTONS
        if (not closed or what in (ids.FEEDBACK, ids.PREVENTION, ids.COOPERATION))
        and not (what == ids.STOP and state.stopped)
    ]
    blocks.append(bk.actions(buttons, block_id=ids.CASE_BLOCK))
    return blocks


def _labels(keys: Sequence[str], locale: str) -> str:
    return "、".join(t(f"handling.choice.{k}", locale) for k in keys) if keys else "–"


# Parameters of a thread line that people typed: sealed, they stay in the case (Open case).
TYPED_PARAMS = frozenset({"company"})


def thread_line(
    what: str,
    actor: str,
    locale: str,
    *,
    lists: Sequence[Sequence[str]] = (),
    content: ContentMode = ContentMode.FULL,
    **params: str,
) -> SlackMessage:
    """A step recorded, in the case thread. `params` are escaped here; notes are quoted.
    Sealed, what people typed (notes, the action, the company) is not posted: the line says
    there is text in the case instead."""
    notes = params.pop("notes", "")
    text = params.pop("text", "")
    values = {key: escape(value) for key, value in params.items()}
    if content.sealed:
        values.update(
            {key: t("handling.sealed.typed", locale) for key in TYPED_PARAMS & set(values)}
        )
    for index, keys in enumerate(lists):
        values[f"list{index}"] = _labels(keys, locale)
    line = t(f"handling.thread.{what}", locale, actor=f"<@{actor}>", **values)
    blocks = [bk.section(line)]
    if content.sealed and (text or notes):
        blocks.append(bk.context(t("access.sealed.note_added", locale)))
    elif not content.sealed:
        for quoted in (text, notes):
            if quoted:
                blocks.extend(bk.long_text_sections(quote(quoted), max_sections=2))
    return SlackMessage(text=line, blocks=blocks)


def done_button(action_id: int, locale: str) -> bk.Block:
    return bk.button(t("handling.button.done", locale), ids.DONE_ACTION, str(action_id))


def prevention_due(
    *,
    text: str,
    owner: str,
    due: date,
    reference: str,
    action_id: int,
    locale: str,
    content: ContentMode = ContentMode.FULL,
) -> SlackMessage:
    line = t(
        "handling.prevention.due",
        locale,
        owner=f"<@{owner}>",
        due=due.isoformat(),
        reference=escape(reference),
    )
    blocks = [bk.section(line)]
    if content.sealed:
        blocks.append(bk.context(t("access.sealed.note_added", locale)))
    else:
        blocks.extend(bk.long_text_sections(quote(text), max_sections=2))
    blocks.append(bk.actions([done_button(action_id, locale)]))
    return SlackMessage(text=line, blocks=blocks)


def answer_due(kind: str, due: date, reference: str, locale: str) -> SlackMessage:
    line = t(
        f"handling.answer_due.{kind}", locale, due=due.isoformat(), reference=escape(reference)
    )
    return SlackMessage(text=line, blocks=[bk.section(line)])


def police_flow(checklist: str, locale: str) -> SlackMessage:
    """The guidance text (HR-written mrkdwn, from guidance/general.yaml) as the thread post."""
    intro = t("handling.police.intro", locale)
    return SlackMessage(text=intro, blocks=[bk.context(intro), bk.section(checklist)])


def survey_dm(reference: str, case_id: int, locale: str) -> SlackMessage:
    line = t("handling.survey.dm", locale, reference=escape(reference))
    button = bk.button(t("handling.button.survey", locale), ids.SURVEY_ACTION, str(case_id))
    return SlackMessage(
        text=t("handling.survey.notification", locale),
        blocks=[
            bk.section(line),
            bk.actions([button]),
            bk.context(t("handling.survey.privacy", locale)),
        ],
    )


@dataclass(frozen=True)
class HomeAction:
    action_id: int
    reference: str
    text: str
    owner: str
    due: date
    overdue: bool


def home_section(
    actions: Sequence[HomeAction], locale: str, content: ContentMode = ContentMode.FULL
) -> list[bk.Block]:
    """The desk's App Home: open prevention actions until someone marks them done (sealed,
    without the action's text, which the case modal shows)."""
    blocks: list[bk.Block] = [bk.header(t("handling.home.title", locale))]
    if not actions:
        blocks.append(bk.context(t("handling.home.none", locale)))
        return blocks
    for action in actions[:HOME_MAX]:
        line = t(
            "handling.home.line_overdue" if action.overdue else "handling.home.line",
            locale,
            reference=escape(action.reference),
            text=(
                t("handling.sealed.typed", locale)
                if content.sealed
                else escape(truncate_plain(action.text, 200))
            ),
            owner=f"<@{action.owner}>",
            due=action.due.isoformat(),
        )
        blocks.append(bk.section(line, accessory=done_button(action.action_id, locale)))
    return blocks
