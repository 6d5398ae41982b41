"""Pure builders of what the desk workflow posts: case-message buttons, timeline lines, DMs, and
what the person who clicked is told privately when an action did not go through."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from bot.content_mode import ContentMode
from bot.desk import ids
from bot.desk.service import (
    Applied,
    Conflict,
    Denied,
    LeadsOnly,
    NotFound,
    Outcome,
    Refused,
    Restricted,
)
from bot.desk.states import BY_ACTION, Action, available_actions
from bot.i18n import t
from bot.slack import blocks as bk
from bot.slack.blocks import SlackMessage
from bot.slack.mrkdwn import escape, humanize, quote


def user(user_id: str | None) -> str:
    return f"<@{user_id}>" if user_id else t("case.none", "en")


def target_label(target: str | None, locale: str) -> str:
    return t(f"desk.target.{target}", locale) if target else t("case.none", locale)


def outcome_label(outcome: str | None, locale: str) -> str:
    return t(f"desk.outcome.{outcome}", locale) if outcome else t("case.none", locale)


def case_state_blocks(
    *,
    status: str,
    value: str,
    locale: str,
    assignee_user_id: str | None,
    escalated_to: str | None,
    resolution: str | None,
    sla_breached: bool,
    restrictable: bool = False,
    restricted: bool = False,
) -> list[bk.Block]:
    """The desk's part of the case message: who has it, where it went, and the buttons that
    apply in `status` (each carrying `value`, "<case_id>:<version>")."""
    facts = [
        t("desk.case.assignee", locale, user=user(assignee_user_id))
        if assignee_user_id
        else t("desk.case.unassigned", locale)
    ]
    if escalated_to:
        facts.append(t("desk.case.escalated_to", locale, target=target_label(escalated_to, locale)))
    if resolution:
        facts.append(t("desk.case.resolution", locale, outcome=outcome_label(resolution, locale)))
    if sla_breached:
        facts.append(t("desk.case.sla_breached", locale))
    actions = available_actions(status, restrictable=restrictable, restricted=restricted)
    buttons = [
        bk.button(
            t(f"desk.button.{action.value}", locale),
            BY_ACTION[action].action_id,
            value,
            style="primary" if index == 0 and action is not Action.NOTE else None,
        )
        for index, action in enumerate(actions)
    ]
    blocks = [bk.context(" · ".join(facts))]
    if buttons:
        blocks.append(bk.actions(buttons, block_id=ids.CASE_ACTIONS_BLOCK))
    return blocks


def timeline_message(
    *,
    action: str,
    actor: str,
    locale: str,
    assignee: str | None = None,
    escalated_to: str | None = None,
    outcome: str | None = None,
    note: str | None = None,
    reporter_told: bool = False,
    content: ContentMode = ContentMode.FULL,
    handlers: Sequence[str] = (),
) -> SlackMessage:
    """One timeline entry for the case thread. The note is escaped and quoted, never a mention;
    sealed, the entry says a note was added and by whom, and the case modal shows it."""
    line = t(
        f"desk.timeline.{action}",
        locale,
        actor=user(actor),
        assignee=user(assignee),
        target=target_label(escalated_to, locale),
        outcome=outcome_label(outcome, locale),
        handlers=", ".join(user(person) for person in handlers),
    )
    blocks = [bk.section(line)]
    if note and content.sealed:
        blocks.append(bk.context(t("access.sealed.note_added", locale)))
    elif note:
        blocks.extend(bk.long_text_sections(quote(note), max_sections=2))
    if reporter_told:
        blocks.append(bk.context(t("desk.timeline.reporter_told", locale)))
    return SlackMessage(text=line, blocks=blocks)


def sla_message(
    *, stage: int, leads: bool, reference: str, elapsed: timedelta, mention: str, locale: str
) -> SlackMessage:
    if stage <= 1:
        key = "desk.timeline.sla_ping"
    else:
        key = "desk.timeline.sla_leads" if leads else "desk.timeline.sla_no_leads"
    line = t(
        key,
        locale,
        mention=mention,
        reference=escape(reference),
        elapsed=humanize(elapsed, locale),
    )
    return SlackMessage(text=line, blocks=[bk.section(line)])


def lead_dm(
    *, reference: str, elapsed: timedelta, permalink: str | None, locale: str
) -> SlackMessage:
    link = t("desk.lead_dm.link", locale, url=permalink) if permalink else ""
    line = t(
        "desk.lead_dm",
        locale,
        reference=escape(reference),
        elapsed=humanize(elapsed, locale),
        link=link,
    ).strip()
    return SlackMessage(text=line, blocks=[bk.section(line)])


def reporter_update(
    *, milestone: str, reference: str, actor: str | None, locale: str
) -> SlackMessage:
    """A milestone DM to the reporter: no notes, no outcome detail, no other desk information."""
    line = t(f"desk.reporter.{milestone}", locale, reference=escape(reference), actor=user(actor))
    return SlackMessage(
        text=t("desk.reporter.notification", locale, reference=reference),
        blocks=[bk.section(line)],
    )


def outcome_text(outcome: Outcome, locale: str) -> str | None:
    """None when the action was applied (the case message itself shows the change)."""
    if isinstance(outcome, Applied):
        return None
    if isinstance(outcome, Denied):
        return t("desk.denied", locale)
    if isinstance(outcome, Restricted):
        return t("desk.restricted", locale)
    if isinstance(outcome, LeadsOnly):
        return t("desk.leads_only", locale)
    if isinstance(outcome, NotFound):
        return t("desk.not_found", locale)
    if isinstance(outcome, Refused):
        status = t(f"status.{outcome.refusal.status}", locale)
        return t(outcome.refusal.key, locale, status=status)
    assert isinstance(outcome, Conflict)
    status = t(f"status.{outcome.status}", locale)
    if outcome.by is None or outcome.action is None:
        return t("desk.conflict.unknown", locale, status=status)
    did = t(f"desk.did.{outcome.action}", locale)
    return t("desk.conflict", locale, actor=f"<@{outcome.by}>", did=did, status=status)
