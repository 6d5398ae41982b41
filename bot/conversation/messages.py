"""Pure builders of what the conversation posts: relays both ways, notices, consent, modals."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.content_mode import ContentMode
from bot.conversation import ids
from bot.conversation.evidence.rules import MAX_FILES
from bot.i18n import t
from bot.report import OPEN_REPORT_ACTION
from bot.slack import blocks as bk
from bot.slack.blocks import SlackMessage
from bot.slack.mrkdwn import escape, quote

# A relay may hold Slack's longest message (40,000 characters, more once escaped): spread it
# over up to this many sections of one post, leaving room for the header and footer blocks.
RELAY_SECTIONS_MAX = 45
MESSAGE_MAX = 3000  # the desk's modal
ROUTE_CHOICES_MAX = ids.ROUTE_CHOICES_MAX


def _sections(header: str, text: str) -> list[bk.Block]:
    if not text:
        return [bk.section(header)]
    return bk.long_text_sections(quote(text), prefix=header + "\n", max_sections=RELAY_SECTIONS_MAX)


def human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} B"


@dataclass(frozen=True)
class RelayToDesk:
    """A reporter's message as the case thread shows it. `named_user` is set only for a case
    whose reporter chose (or agreed) to be named; otherwise they are "the reporter"."""

    text: str
    reference: str
    kind: str = "message"  # or "details"
    named_user: str | None = None
    files: Sequence[str] = ()
    edited: bool = False
    deleted: bool = False
    ordinal: int = 0  # the how-manieth message from the reporter on the case


def _sealed_to_desk(relay: RelayToDesk, locale: str) -> SlackMessage:
    """What happened, without what was written or who wrote it (the case modal shows it)."""
    if relay.deleted:
        line = t("access.sealed.reporter_deleted", locale)
    elif relay.edited:
        line = t("access.sealed.reporter_edited", locale)
    else:
        key = (
            "access.sealed.reporter_details"
            if relay.kind == "details"
            else "access.sealed.reporter_wrote"
        )
        line = t(key, locale, count=relay.ordinal)
    key = "conv.desk.details_notification" if relay.kind == "details" else "conv.desk.notification"
    return SlackMessage(text=t(key, locale, reference=relay.reference), blocks=[bk.section(line)])


def to_desk(
    relay: RelayToDesk, locale: str, content: ContentMode = ContentMode.FULL
) -> SlackMessage:
    if content.sealed:
        return _sealed_to_desk(relay, locale)
    if relay.kind == "details":
        header = t("conv.desk.details", locale)
    elif relay.named_user:
        header = t("conv.desk.from_reporter_named", locale, user=f"<@{relay.named_user}>")
    else:
        header = t("conv.desk.from_reporter", locale)
    if relay.deleted:
        blocks = [bk.section(header + "\n" + t("conv.desk.deleted", locale))]
    else:
        blocks = _sections(header, relay.text)
        notes = []
        if relay.files:
            names = ", ".join(escape(name) for name in relay.files)
            notes.append(t("conv.desk.files", locale, names=names))
        if relay.edited:
            notes.append(t("conv.desk.edited", locale))
        if notes:
            blocks.append(bk.context("\n".join(notes)))
    key = "conv.desk.details_notification" if relay.kind == "details" else "conv.desk.notification"
    return SlackMessage(text=t(key, locale, reference=relay.reference), blocks=blocks)


def to_reporter(
    text: str,
    *,
    signer: str | None,
    locale: str,
    content: ContentMode = ContentMode.FULL,
    case_id: int = 0,
) -> SlackMessage:
    """The desk's message in the reporter's DM thread, in the reporter's language frame; sealed,
    a notice with an Open button (the modal shows the text and a reply box)."""
    if content.sealed:
        line = t("access.sealed.dm_new", locale)
        button = bk.button(
            t("access.button.open_messages", locale), ids.REPORTER_OPEN_ACTION, str(case_id)
        )
        blocks = [
            bk.section(line, accessory=button),
            bk.context(t("access.sealed.dm_hint", locale)),
        ]
        return SlackMessage(text=line, blocks=blocks)
    signature = (
        t("conv.dm.signed_staff", locale, user=f"<@{signer}>")
        if signer
        else t("conv.dm.signed_desk", locale)
    )
    blocks = _sections(t("conv.dm.from_desk", locale), text)
    blocks.append(bk.context(signature))
    return SlackMessage(text=t("conv.dm.notification", locale), blocks=blocks)


def desk_copy(
    text: str,
    *,
    author: str,
    signed: bool,
    reference: str,
    locale: str,
    content: ContentMode = ContentMode.FULL,
) -> SlackMessage:
    """The case thread's copy of what the desk sent, with who sent it and how it was signed
    (sealed: only that it was sent, and by whom)."""
    if content.sealed:
        line = t("access.sealed.desk_sent", locale, user=f"<@{author}>")
        notification = t("conv.desk.sent_notification", locale, reference=reference)
        return SlackMessage(text=notification, blocks=[bk.section(line)])
    signature = t("conv.desk.signature.staff" if signed else "conv.desk.signature.desk", locale)
    header = t("conv.desk.to_reporter", locale, user=f"<@{author}>", signature=signature)
    return SlackMessage(
        text=t("conv.desk.sent_notification", locale, reference=reference),
        blocks=_sections(header, text),
    )


def notice(key: str, locale: str, *, report_button: bool = False, **params: str) -> SlackMessage:
    """A short answer to the reporter in their DM (routed, refused, withdrawn, ...)."""
    text = t(key, locale, **params)
    blocks = [bk.section(text)]
    if report_button:
        button = bk.button(t("conv.button.new_report", locale), OPEN_REPORT_ACTION, "dm")
        blocks.append(bk.actions([button]))
    return SlackMessage(text=text, blocks=blocks)


def refused_lines(
    refused: Sequence[Mapping[str, str]], locale: str, content: ContentMode = ContentMode.FULL
) -> str:
    """One line per refused file for the reporter: the name as they gave it, escaped (a name
    is user text: `<!channel>` or a `<url|label>` in it must stay inert), and the reason."""
    return "\n".join(
        f"• {f'#{index}' if content.sealed else escape(str(r['name']))}: "
        f"{t('evidence.refusal.' + str(r['reason']), locale)}"
        for index, r in enumerate(refused, start=1)
    )


def desk_line(text: str) -> SlackMessage:
    return SlackMessage(text=text, blocks=[bk.section(text)])


def consent_request(
    *, case_id: int, reference: str, locale: str, answer: str | None = None
) -> SlackMessage:
    """Yes/No in the reporter's DM thread; once answered, the answer replaces the buttons."""
    text = t("conv.dm.consent_request", locale, reference=reference)
    blocks = [bk.section(text)]
    if answer is None:
        blocks.append(
            bk.actions(
                [
                    bk.button(
                        t("conv.button.consent_yes", locale),
                        ids.CONSENT_YES_ACTION,
                        str(case_id),
                        style="primary",
                    ),
                    bk.button(
                        t("conv.button.consent_no", locale), ids.CONSENT_NO_ACTION, str(case_id)
                    ),
                ]
            )
        )
    else:
        blocks.append(bk.context(t(f"conv.dm.consent_{answer}", locale, reference=reference)))
    return SlackMessage(text=text, blocks=blocks)


def route_question(
    choices: Sequence[tuple[int, str]], *, message_id: int, locale: str, chosen: str | None = None
) -> SlackMessage:
    """Which report a DM outside any thread is about: a button per open case (newest first)."""
    text = t("conv.dm.which_case", locale)
    if chosen is not None:
        done = t("conv.dm.routed_choice", locale, reference=chosen)
        return SlackMessage(text=done, blocks=[bk.section(done)])
    buttons = [
        bk.button(reference, f"{ids.ROUTE_ACTION}_{i}", f"{message_id}:{case_id}")
        for i, (case_id, reference) in enumerate(choices[:ROUTE_CHOICES_MAX])
    ]
    return SlackMessage(text=text, blocks=[bk.section(text), bk.actions(buttons)])


def receipt_blocks(*, case_id: int, reference: str, locale: str) -> list[bk.Block]:
    """Appended to the receipt DM: how to talk to the desk, Add information, Withdraw."""
    confirm = {
        "title": bk.plain(t("conv.withdraw.confirm_title", locale), 100),
        "text": bk.plain(t("conv.withdraw.confirm_text", locale, reference=reference), 300),
        "confirm": bk.plain(t("conv.withdraw.confirm_yes", locale), 30),
        "deny": bk.plain(t("conv.withdraw.confirm_no", locale), 30),
        "style": "danger",
    }
    withdraw = bk.button(t("conv.button.withdraw", locale), ids.WITHDRAW_ACTION, str(case_id))
    withdraw["confirm"] = confirm
    add = bk.button(t("conv.button.add_info", locale), ids.ADD_INFO_ACTION, str(case_id))
    return [
        bk.context(t("conv.dm.reply_hint", locale)),
        bk.actions([add, withdraw], block_id=ids.RECEIPT_BLOCK),
    ]


def case_blocks(
    *, value: str, unread: int, ask_name: bool, locale: str, total: int | None = None
) -> list[bk.Block]:
    """The conversation's part of the case message: unread count and its two buttons (sealed:
    `total` is given, and the line says how many came from the reporter and how many are unread)."""
    buttons = [
        bk.button(t("conv.button.message_reporter", locale), ids.MESSAGE_REPORTER_ACTION, value)
    ]
    if ask_name:
        buttons.append(bk.button(t("conv.button.ask_name", locale), ids.ASK_NAME_ACTION, value))
    blocks: list[bk.Block] = []
    if total:
        blocks.append(bk.context(t("access.sealed.counts", locale, total=total, unread=unread)))
    elif unread:
        blocks.append(bk.context(t("conv.desk.unread", locale, count=unread)))
    blocks.append(bk.actions(buttons, block_id=ids.CASE_BLOCK))
    return blocks


def _text_modal(
    callback_id: str,
    *,
    case_id: int,
    title: str,
    label: str,
    submit: str,
    close: str,
    hint: str | None = None,
    extra: Sequence[bk.Block] = (),
) -> bk.Block:
    field = bk.input_block(
        ids.TEXT_BLOCK,
        label,
        bk.text_input(ids.TEXT_INPUT, multiline=True, max_length=MESSAGE_MAX),
        hint=hint,
    )
    return bk.modal(
        callback_id,
        title,
        [field, *extra],
        submit=submit,
        close=close,
        private_metadata=json.dumps({"case_id": case_id}),
    )


def message_modal(*, case_id: int, reference: str, locale: str) -> bk.Block:
    sign = bk.input_block(
        ids.SIGN_BLOCK,
        t("conv.modal.sign", locale),
        bk.select(
            "checkboxes",
            ids.SIGN_INPUT,
            [bk.option(t("conv.modal.sign", locale), ids.SIGN_VALUE)],
        ),
        optional=True,
    )
    return _text_modal(
        ids.MESSAGE_VIEW,
        case_id=case_id,
        title=t("conv.modal.title", locale),
        label=t("conv.modal.label", locale, reference=reference),
        submit=t("conv.modal.submit", locale),
        close=t("conv.modal.cancel", locale),
        hint=t("conv.modal.hint", locale),
        extra=[sign],
    )


def file_input_block(locale: str) -> bk.Block:
    """Slack's file_input (modals only, input block without dispatch_action, files:read)."""
    element = {"type": "file_input", "action_id": ids.FILES_INPUT, "max_files": MAX_FILES}
    return bk.input_block(
        ids.FILES_BLOCK,
        t("evidence.form.label", locale),
        element,
        optional=True,
        hint=t("evidence.form.hint", locale),
    )


def add_info_modal(*, case_id: int, reference: str, locale: str) -> bk.Block:
    view = _text_modal(
        ids.ADD_INFO_VIEW,
        case_id=case_id,
        title=t("conv.add_info.title", locale),
        label=t("conv.add_info.label", locale, reference=reference),
        submit=t("conv.add_info.submit", locale),
        close=t("conv.add_info.cancel", locale),
        extra=[file_input_block(locale)],
    )
    view["blocks"][0]["optional"] = True  # text or files, at least one (checked on submit)
    return view


def evidence_comment(*, name: str, size: int, sha256: str, stripped: bool, locale: str) -> str:
    """The text above the bot's copy of a file in the case thread (initial_comment: plain
    mrkdwn, escaped)."""
    lines = [t("conv.desk.evidence", locale, name=escape(name), size=human_size(size), sha=sha256)]
    if stripped:
        lines.append(t("conv.desk.evidence_stripped", locale))
    return "\n".join(lines)
