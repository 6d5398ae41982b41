"""Pure builders of the sealed reading surfaces: the desk's case modal (with Show name and, for
leads, the accesses) and the reporter's modal of the desk's messages with a reply box.

Every piece of user text is escaped; long texts are cut with a marker and the view is kept
within Slack's limits (100 blocks, 3000 characters a section, a 24-character title)."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence

from bot.access import ids
from bot.access.service import CaseRead, Line, ReporterRead
from bot.i18n import t
from bot.slack import blocks as bk
from bot.slack.limits import VIEW_BLOCKS_MAX
from bot.slack.mrkdwn import escape, quote, slack_date

CategoryLabel = Callable[[str, str], str]
TEXT_SECTIONS_MAX = 4  # per text field
ENTRY_SECTIONS_MAX = 1  # per timeline entry or message


def _texts(label: str, text: str) -> list[bk.Block]:
    return bk.long_text_sections(quote(text), prefix=f"*{label}*\n", max_sections=TEXT_SECTIONS_MAX)


def _who(line: Line, locale: str) -> str:
    if line.who:
        return f"<@{line.who}>"
    return t(f"access.from.{'desk' if line.what == 'desk' else 'reporter'}", locale)


def _entries(title: str, lines: Sequence[Line], what: Callable[[Line], str]) -> list[bk.Block]:
    blocks: list[bk.Block] = [bk.header(title)]
    for line in lines:
        head = f"{slack_date(line.at)} · {what(line)}"
        if line.text.strip():
            blocks += bk.long_text_sections(
                quote(line.text), prefix=head + "\n", max_sections=ENTRY_SECTIONS_MAX
            )
        else:
            blocks.append(bk.context(head))
    return blocks


def _evidence(lines: Sequence[Line], locale: str) -> list[bk.Block]:
    """The evidence list; a copied file has *Open*, which is recorded before its link shows."""
    blocks: list[bk.Block] = [bk.header(t("access.modal.evidence", locale))]
    for line in lines:
        state = t(f"access.evidence.{line.what}", locale)
        head = f"{slack_date(line.at)} · {escape(line.text)} · {state}"
        if line.ref is None:
            blocks.append(bk.context(head))
            continue
        button = bk.button(
            t("access.button.open_evidence", locale), ids.OPEN_EVIDENCE_ACTION, str(line.ref)
        )
        blocks.append(bk.section(head, accessory=button))
    return blocks


def evidence_view(name: str, permalink: str, locale: str) -> bk.Block:
    """Pushed over the case modal: the copy's name and a link to it in Slack."""
    label = escape(name).replace("|", "¦") or t("access.evidence.file", locale)
    blocks = [
        bk.section(t("access.evidence.link", locale, link=f"<{permalink}|{label}>")),
        bk.context(t("access.evidence.recorded", locale)),
    ]
    return bk.modal(
        ids.EVIDENCE_VIEW,
        t("access.evidence.title", locale),
        blocks,
        close=t("access.modal.close", locale),
    )


def _reporter_block(read: CaseRead, locale: str) -> bk.Block:
    if not read.named:
        return bk.section(t("access.modal.reporter_anonymous", locale))
    if read.reporter_user_id:
        return bk.section(
            t("access.modal.reporter_named", locale, user=f"<@{read.reporter_user_id}>")
        )
    button = bk.button(
        t("access.button.show_name", locale), ids.SHOW_NAME_ACTION, str(read.case_id)
    )
    return bk.section(t("access.modal.reporter_named_hidden", locale), accessory=button)


def _fit(blocks: list[bk.Block], locale: str) -> list[bk.Block]:
    """At most VIEW_BLOCKS_MAX blocks: past it, cut and say so."""
    if len(blocks) <= VIEW_BLOCKS_MAX:
        return blocks
    return [*blocks[: VIEW_BLOCKS_MAX - 1], bk.context(t("access.modal.cut", locale))]


def case_view(read: CaseRead, *, locale: str, category_label: CategoryLabel) -> bk.Block:
    categories = ", ".join(category_label(key, locale) for key in read.categories)
    blocks: list[bk.Block] = [
        bk.context(t("access.modal.recorded", locale)),
        _reporter_block(read, locale),
        bk.section(
            t(
                "access.modal.facts",
                locale,
                status=t(f"status.{read.status}", locale),
                categories=escape(categories) or t("access.modal.none", locale),
            )
        ),
    ]
    if read.in_danger:
        blocks.insert(1, bk.section(t("access.modal.urgent", locale)))
    for block_id, text in read.texts:
        blocks += _texts(t(f"access.label.{block_id}", locale), text)
    if read.customers:
        names = ", ".join(escape(name) for name in read.customers)
        blocks.append(bk.section(f"*{t('access.modal.customers', locale)}*\n{names}"))
    if read.evidence:
        blocks += _evidence(read.evidence, locale)
    if read.conversation:
        blocks += _entries(
            t("access.modal.conversation", locale),
            read.conversation,
            lambda line: _who(line, locale),
        )
    if read.timeline:
        blocks += _entries(
            t("access.modal.timeline", locale),
            read.timeline,
            lambda line: f"{_who(line, locale)} · {escape(line.what)}",
        )
    if read.accesses is not None:
        blocks += _entries(
            t("access.modal.accesses", locale),
            read.accesses,
            lambda line: f"<@{line.who}> · {t(f'access.action.{line.what}', locale)}",
        )
    return bk.modal(
        ids.CASE_VIEW,
        t("access.modal.title", locale, reference=read.reference),
        _fit(blocks, locale),
        close=t("access.modal.close", locale),
        private_metadata=json.dumps({"case_id": read.case_id}),
    )


def reporter_view(read: ReporterRead) -> bk.Block:
    locale = read.locale
    blocks: list[bk.Block] = []
    if read.messages:
        blocks += _entries(
            t("access.reporter.title", locale), read.messages, lambda line: _who(line, locale)
        )[1:]
    else:
        blocks.append(bk.section(t("access.reporter.none", locale)))
    blocks = _fit(blocks, locale)[: VIEW_BLOCKS_MAX - 1]
    blocks.append(
        bk.input_block(
            ids.REPLY_BLOCK,
            t("access.reporter.reply_label", locale),
            bk.text_input(ids.REPLY_INPUT, multiline=True, max_length=3000),
            optional=True,
        )
    )
    return bk.modal(
        ids.REPORTER_VIEW,
        t("access.reporter.title", locale),
        blocks,
        submit=t("access.reporter.send", locale),
        close=t("access.reporter.close", locale),
        private_metadata=json.dumps({"case_id": read.case_id}),
    )


def open_case_button(case_id: int, locale: str) -> bk.Block:
    return bk.button(
        t("access.button.open_case", locale), ids.OPEN_CASE_ACTION, str(case_id), style="primary"
    )


def open_again(key: str, action_id: str, case_id: int, locale: str) -> tuple[str, list[bk.Block]]:
    """The private message after an expired trigger: the same button again."""
    text = t(key, locale)
    label = (
        "access.button.open_case"
        if action_id == ids.OPEN_CASE_ACTION
        else "access.button.open_messages"
    )
    button = bk.button(t(label, locale), action_id, str(case_id))
    return text, [bk.section(text), bk.actions([button])]
