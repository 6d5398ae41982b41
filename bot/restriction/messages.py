"""Pure builders: the notice a private case shows in the desk channel, and the DMs of a request
for access. None of them carries anything the reporter wrote, a category or a desk button."""

from __future__ import annotations

from collections.abc import Iterable

from bot.i18n import t
from bot.restriction import ids
from bot.slack import blocks as bk
from bot.slack.blocks import SlackMessage
from bot.slack.mrkdwn import escape


def mentions(user_ids: Iterable[str]) -> str:
    return ", ".join(f"<@{user_id}>" for user_id in sorted(user_ids))


def notice_message(
    *,
    reference: str,
    case_id: int,
    restricted: bool,
    handlers: Iterable[str],
    locale: str,
    urgent_mention: str | None = None,
) -> SlackMessage:
    """What everyone in the desk channel sees of a private case (also its handlers: it is one
    message). Handlers read and act on the case from their App Home. A reporter in danger still
    gets the desk's urgent mention (`urgent_mention`): safety comes before who may read."""
    people = mentions(handlers) or t("restriction.notice.leads_only", locale)
    key = "restriction.notice.restricted" if restricted else "restriction.notice.excluded"
    line = t(key, locale, reference=escape(reference), handlers=people)
    ask = bk.button(t("restriction.button.ask", locale), ids.ASK_ACTION, str(case_id))
    blocks = [bk.section(line)]
    text = t("restriction.notice.text", locale, reference=reference)
    if urgent_mention is not None:
        text = t("restriction.notice.urgent", locale, mention=urgent_mention, reference=reference)
        blocks.append(bk.section(text))
    blocks += [
        bk.context(t("restriction.notice.where", locale)),
        bk.actions([ask], block_id=ids.NOTICE_ACTIONS_BLOCK),
    ]
    return SlackMessage(text=text, blocks=blocks)


def thread_notice(locale: str) -> SlackMessage:
    """Stands in for anything posted in a private case's thread."""
    line = t("restriction.thread_notice", locale)
    return SlackMessage(text=line, blocks=[bk.context(line)])


def lead_request(*, reference: str, requester: str, request_id: int, locale: str) -> SlackMessage:
    line = t(
        "restriction.lead.request", locale, reference=escape(reference), user=f"<@{requester}>"
    )
    value = str(request_id)
    buttons = [
        bk.button(
            t("restriction.button.approve", locale), ids.APPROVE_ACTION, value, style="primary"
        ),
        bk.button(t("restriction.button.decline", locale), ids.DECLINE_ACTION, value),
    ]
    return SlackMessage(text=line, blocks=[bk.section(line), bk.actions(buttons)])


def requester_answer(*, reference: str, approved: bool, locale: str) -> SlackMessage:
    key = "restriction.requester.approved" if approved else "restriction.requester.declined"
    line = t(key, locale, reference=escape(reference))
    return SlackMessage(text=line, blocks=[bk.section(line)])


def leads_told(*, reference: str, reason: str, locale: str) -> SlackMessage:
    line = t(f"restriction.leads_told.{reason}", locale, reference=escape(reference))
    return SlackMessage(
        text=line, blocks=[bk.section(line), bk.context(t("restriction.leads_told.what", locale))]
    )
