"""Pure Block Kit builders for check-ins: the reporter's DM, its answered form, desk posts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from bot.checkins import ids
from bot.content_mode import ContentMode
from bot.i18n import t
from bot.slack import blocks as bk
from bot.slack.blocks import SlackMessage
from bot.slack.mrkdwn import humanize, slack_date, slack_day
from storage.models import Case, CheckIn, CheckInStatus


def checkin_dm(case: Case, checkin: CheckIn, locale: str) -> SlackMessage:
    """Short and warm; names the case by its reference only, never retells it."""
    value = str(checkin.id)
    later = bk.select(
        "static_select",
        ids.ANSWER_LATER,
        [
            bk.option(t(f"checkins.later.{choice}", locale), f"{checkin.id}:{choice}")
            for choice in ids.LATER_CHOICES
        ],
        placeholder=t("checkins.button.later", locale),
    )
    buttons = [
        bk.button(t("checkins.button.ok", locale), ids.ANSWER_OK, value, style="primary"),
        bk.button(t("checkins.button.talk", locale), ids.ANSWER_TALK, value),
        later,
        bk.button(t("checkins.button.stop", locale), ids.ANSWER_STOP, value),
    ]
    return SlackMessage(
        text=t("checkins.notification", locale, reference=case.reference),
        blocks=[
            bk.section(t("checkins.question", locale, reference=case.reference)),
            bk.actions(buttons, block_id=ids.ANSWER_BLOCK),
            bk.context(t("checkins.privacy", locale)),
        ],
    )


def answer_text(
    case: Case,
    answer: str,
    locale: str,
    *,
    contact_from: datetime | None = None,
    next_due: datetime | None = None,
) -> str:
    """What the reporter sees in place of the buttons once they answered."""
    if answer == ids.OK:
        return t("checkins.answered.ok", locale)
    if answer == ids.TALK_ANSWER:
        who = (
            t("checkins.who.assignee", locale, user=case.assignee_user_id)
            if case.assignee_user_id
            else t("checkins.who.desk", locale)
        )
        text = (
            t("checkins.answered.talk_today", locale, who=who)
            if contact_from is None
            else t("checkins.answered.talk_later", locale, who=who, when=slack_date(contact_from))
        )
        if case.identity == "anonymous":
            text += " " + t("checkins.answered.anonymous", locale)
        return text
    if answer in (ids.LATER_HOUR, ids.LATER_TOMORROW):
        when = slack_date(next_due) if next_due else ""
        return t("checkins.answered.later", locale, when=when)
    return t("checkins.answered.stop", locale, reference=case.reference)


def answered_dm(case: Case, answer_line: str, locale: str) -> SlackMessage:
    return SlackMessage(
        text=t("checkins.notification", locale, reference=case.reference),
        blocks=[
            bk.section(t("checkins.question", locale, reference=case.reference)),
            bk.section(f":white_check_mark: {answer_line}"),
        ],
    )


def desk_time(case: Case, moment: datetime) -> str:
    """A check-in time as the desk may see it: the date only for an anonymous reporter (the
    hour, moved into their office hours, would tell their time zone)."""
    return slack_date(moment) if case.identity == "named" else slack_day(moment)


def _reporter(case: Case, locale: str, *, long: bool, content: ContentMode) -> str:
    if case.identity == "named" and not content.sealed:
        return t("checkins.reporter.named_short", locale, user=case.reporter_user_id)
    return t("checkins.reporter.anonymous" if long else "checkins.reporter.anonymous_short", locale)


def talk_post(
    case: Case,
    checkin: CheckIn,
    locale: str,
    *,
    mention: str,
    contact_from: datetime | None,
    content: ContentMode = ContentMode.FULL,
) -> SlackMessage:
    """The desk thread post when a reporter asks to talk. Anonymous reporters stay unnamed."""
    when = (
        t("checkins.talk.when_today", locale)
        if contact_from is None
        else t("checkins.talk.when_next", locale, when=desk_time(case, contact_from))
    )
    text = t(
        "checkins.talk.thread",
        locale,
        mention=mention,
        reporter=_reporter(case, locale, long=True, content=content),
        sequence=checkin.sequence,
        reference=case.reference,
        when=when,
    )
    return SlackMessage(text=text, blocks=[bk.section(text)])


def unanswered_post(
    case: Case,
    checkin: CheckIn,
    locale: str,
    *,
    mention: str,
    after: timedelta,
    content: ContentMode = ContentMode.FULL,
) -> SlackMessage:
    text = t(
        "checkins.unanswered.thread",
        locale,
        mention=mention,
        sequence=checkin.sequence,
        reference=case.reference,
        duration=humanize(after, locale),
        reporter=_reporter(case, locale, long=False, content=content),
    )
    return SlackMessage(text=text, blocks=[bk.section(text)])


def status_line(case: Case, checkins: Sequence[CheckIn], locale: str) -> str | None:
    """e.g. "Check-ins: 1 sent (no answer yet) · next <date>"; None when nothing is planned."""
    if not checkins:
        if case.checkins_wanted:
            return None
        return f"*{t('checkins.status.label', locale)}*: {t('checkins.status.off', locale)}"
    parts: list[str] = []
    stopped = any(c.response == ids.STOP for c in checkins)
    if stopped:
        parts.append(t("checkins.status.stopped", locale))
    waiting = [c for c in checkins if c.status == CheckInStatus.SENT]
    if waiting:
        parts.append(t("checkins.status.waiting", locale, count=len(waiting)))
        if any(c.response == ids.UNANSWERED_FLAG for c in waiting):
            parts.append(t("checkins.status.flagged", locale))
    answered = [c for c in checkins if c.status == CheckInStatus.ANSWERED and c.responded_at]
    if answered:
        last = max(answered, key=lambda c: (c.responded_at, c.id))
        assert last.responded_at is not None
        parts.append(
            t(
                "checkins.status.last_answer",
                locale,
                answer=t(f"checkins.answer.{last.response}", locale),
                when=desk_time(case, last.responded_at),
            )
        )
    scheduled = [c for c in checkins if c.status == CheckInStatus.SCHEDULED]
    if scheduled:
        upcoming = min(c.due_at for c in scheduled)
        parts.append(t("checkins.status.next", locale, when=desk_time(case, upcoming)))
    elif not stopped:
        parts.append(t("checkins.status.none_left", locale))
    return f"*{t('checkins.status.label', locale)}*: " + " · ".join(parts)


def _confirm(locale: str) -> dict[str, object]:
    return {
        "title": bk.plain(t("checkins.desk.cancel_confirm_title", locale), 100),
        "text": bk.plain(t("checkins.desk.cancel_confirm_text", locale), 300),
        "confirm": bk.plain(t("checkins.desk.cancel_confirm_yes", locale), 30),
        "deny": bk.plain(t("checkins.desk.cancel_confirm_no", locale), 30),
        "style": "danger",
    }


def desk_blocks(
    case: Case, line: str | None, *, can_add: bool, can_cancel: bool, locale: str
) -> list[bk.Block]:
    """The case message's check-in context line and the desk's two buttons."""
    blocks: list[bk.Block] = []
    if line:
        blocks.append(bk.context(line))
    buttons: list[bk.Block] = []
    if can_add:
        buttons.append(bk.button(t("checkins.desk.extra", locale), ids.DESK_EXTRA, str(case.id)))
    if can_cancel:
        cancel = bk.button(t("checkins.desk.cancel", locale), ids.DESK_CANCEL, str(case.id))
        cancel["confirm"] = _confirm(locale)
        buttons.append(cancel)
    if buttons:
        blocks.append(bk.actions(buttons, block_id=f"{ids.DESK_BLOCK}:{case.id}"))
    return blocks
