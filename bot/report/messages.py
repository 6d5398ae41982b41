"""Pure builders for the messages the report flow sends: the desk's case message and the DM."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import timedelta

from bot import bounds
from bot.content_mode import ContentMode
from bot.i18n import t
from bot.report.fields import DESK_TEXT_FIELDS
from bot.slack import blocks as bk
from bot.slack.blocks import SlackMessage
from bot.slack.limits import MESSAGE_BLOCKS_MAX
from bot.slack.mrkdwn import escape, humanize, quote, slack_date
from storage.models import Case

CategoryLabel = Callable[[str, str], str]


def reporter_label(case: Case, locale: str, content: ContentMode = ContentMode.FULL) -> str:
    """The reporter as the desk channel may see them: only as the reporter chose (sealed: that
    they are named; the name is behind Show name in the case modal)."""
    if case.identity == "named":
        if content.sealed:
            return t("access.sealed.reporter_named", locale)
        return f"<@{case.reporter_user_id}>"
    return t("case.reporter_anonymous", locale)


def _labelled_text(label: str, value: str) -> list[bk.Block]:
    if not value.strip():
        return []
    return bk.long_text_sections(quote(value), prefix=f"*{label}*\n", max_sections=2)


def case_message(
    case: Case,
    *,
    locale: str,
    category_label: CategoryLabel,
    mention: str,
    extra_blocks: Sequence[bk.Block] = (),
    content: ContentMode = ContentMode.FULL,
) -> SlackMessage:
    """The desk channel's message for a case, rendered from the stored row.

    Every piece of user text is escaped; the narrative is spread over sections and cut with a
    marker if it would not fit, so Slack never rejects the message. Sealed, it carries no text
    the reporter wrote and no name: the facts, the counts and the buttons (Open case reads it).
    """
    reference = case.reference
    categories = (
        ", ".join(category_label(key, locale) for key in case.categories)
        if case.categories
        else t("case.no_categories", locale)
    )
    blocks: list[bk.Block] = [
        bk.header(
            t(
                "case.header_urgent" if case.in_danger else "case.header",
                locale,
                reference=reference,
            )
        ),
    ]
    if case.in_danger:
        blocks.append(bk.section(t("case.urgent_banner", locale, mention=mention)))
    blocks.append(
        bk.fields(
            [
                f"*{t('case.label.status', locale)}*\n{t(f'status.{case.status}', locale)}",
                f"*{t('case.label.reporter', locale)}*\n{reporter_label(case, locale, content)}",
                f"*{t('case.label.categories', locale)}*\n{escape(categories)}",
                f"*{t('case.label.occurred_at', locale)}*\n{slack_date(case.occurred_at)}",
                f"*{t('case.label.contact_channel', locale)}*\n"
                + t(f"report.channel.{case.contact_channel}", locale),
                f"*{t('case.label.customer_type', locale)}*\n"
                + t(f"report.customer.{case.customer_type}", locale),
            ]
        )
    )
    if not content.sealed:
        blocks.extend(_texts(case, locale))
    police = t(
        "case.police_consent.yes" if case.police_consent else "case.police_consent.no", locale
    )
    details = [f"*{t('case.label.police_consent', locale)}*: {police}"]
    if case.source_permalink and not content.sealed:
        link = t("case.source_link", locale, link=bounds.link_target(case.source_permalink))
        details.append(f"*{t('case.label.source', locale)}*: {link}")
    blocks.append(bk.context("\n".join(details)))
    blocks.extend(extra_blocks)
    blocks.append(
        bk.context(
            t("case.footer", locale, reported=slack_date(case.created_at), reference=reference)
        )
    )
    text_key = "case.notification_urgent" if case.in_danger else "case.notification"
    return SlackMessage(
        text=t(text_key, locale, reference=reference, mention=mention), blocks=blocks
    )


def _texts(case: Case, locale: str) -> list[bk.Block]:
    """The narrative and the form's other texts (full mode only)."""
    blocks = bk.long_text_sections(
        quote(case.narrative), prefix=f"*{t('case.label.narrative', locale)}*\n", max_sections=6
    )
    for field in DESK_TEXT_FIELDS:
        label = t(f"case.label.{field.block_id}", locale)
        blocks.extend(_labelled_text(label, getattr(case, field.block_id) or ""))
    if any(block["text"]["text"].endswith(" …") for block in blocks if "text" in block):
        blocks.append(bk.context(t("case.truncated", locale)))
    return blocks


def reporter_confirmation(
    case: Case,
    *,
    locale: str,
    ack_sla: timedelta,
    guidance_blocks: Sequence[bk.Block] = (),
    extra_blocks: Sequence[bk.Block] = (),
    expected: str | None = None,
) -> SlackMessage:
    """The reporter's DM: emergency steps first when in danger, then what happens next."""
    # It says the report reached the desk only once the desk's case message is posted (the
    # bot may not be in the desk channel yet); before that, that it will.
    waiting = "" if case.desk_message_ts else ".waiting"
    blocks: list[bk.Block] = []
    if case.in_danger:
        blocks += [
            bk.header(t("dm.danger_title", locale)),
            bk.section(t("dm.danger_steps", locale)),
        ]
    identity = t(f"dm.identity.{case.identity}", locale)
    checkins = t("dm.checkins.on" if case.checkins_wanted else "dm.checkins.off", locale)
    blocks += [
        bk.section(t(f"dm.received{waiting}", locale, reference=case.reference)),
        bk.section(
            "\n".join(
                [
                    expected or t("dm.next_steps", locale, sla=humanize(ack_sla, locale)),
                    identity,
                    t("dm.no_disadvantage", locale),
                    checkins,
                ]
            )
        ),
    ]
    blocks.extend(extra_blocks)  # other features' parts (the conversation's buttons)
    remaining = MESSAGE_BLOCKS_MAX - len(blocks) - 1
    if guidance_blocks:
        blocks.append(bk.divider())
        blocks.extend(list(guidance_blocks)[:remaining])
    text = t(f"dm.notification{waiting}", locale, reference=case.reference)
    return SlackMessage(text=text, blocks=blocks)
