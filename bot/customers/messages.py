"""What the desk sees of the register (pure): the case message's line and register answers."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from bot.content_mode import ContentMode
from bot.customers import ids
from bot.customers.service import CaseHistory, CustomerSummary, MeasureView
from bot.i18n import t
from bot.slack import blocks as bk
from bot.slack.limits import MESSAGE_BLOCKS_MAX
from bot.slack.mrkdwn import escape

MAX_REFERENCES = 5


def _references(references: Sequence[str]) -> str:
    shown = list(references[:MAX_REFERENCES])
    if len(references) > MAX_REFERENCES:
        shown.append("…")
    return ", ".join(shown)


def ban_text(banned_until: date | None, locale: str) -> str:
    if banned_until is None:
        return t("customer.banned_indefinitely", locale)
    return t("customer.banned_until", locale, until=banned_until.isoformat())


def history_line(history: CaseHistory, locale: str, content: ContentMode = ContentMode.FULL) -> str:
    """ "2 earlier cases about this customer (CH-2026-0012, …); banned from premises until …" """
    parts = []
    count = len(history.earlier_references)
    if count:
        parts.append(
            t(
                "customer.history.earlier",
                locale,
                count=count,
                references=_references(history.earlier_references),
            )
        )
    else:
        parts.append(t("customer.history.none_earlier", locale))
    if history.banned:
        parts.append(ban_text(history.banned_until, locale))
    if history.linked:
        key = "customer.history.linked"
    elif history.same_name:
        key = "customer.history.same_name"
    else:
        key = "customer.history.matched"
    # Sealed: the record's number, not the name the desk typed (Open case shows the name).
    name = (
        t("customer.number", locale, id=history.customer_id)
        if content.sealed
        else escape(history.display_name)
    )
    return t(key, locale, name=name, facts="; ".join(parts))


def case_blocks(
    case_id: int,
    history: CaseHistory | None,
    locale: str,
    *,
    can_link: bool = True,
    content: ContentMode = ContentMode.FULL,
) -> list[bk.Block]:
    blocks: list[bk.Block] = []
    if history is not None:
        mark = ":no_entry: " if history.banned else ":busts_in_silhouette: "
        line = history_line(history, locale, content)
        blocks.append(bk.section(mark + line, block_id=ids.HISTORY_BLOCK))
    if can_link:
        blocks.append(
            bk.actions(
                [bk.button(t("customer.button.link", locale), ids.LINK_ACTION, str(case_id))],
                block_id=ids.LINK_ACTIONS_BLOCK,
            )
        )
    return blocks


def _measure_line(measure: MeasureView, locale: str) -> str:
    kind = t(f"customer.measure.{measure.kind}", locale)
    until = measure.ends_on.isoformat() if measure.ends_on else t("customer.open_ended", locale)
    period = (
        t("customer.period", locale, start=measure.starts_on.isoformat(), until=until)
        if measure.kind == "banned"
        else measure.starts_on.isoformat()
    )
    state = "" if measure.in_force or measure.kind != "banned" else t("customer.ended", locale)
    return f"• {kind} {period} (<@{measure.recorded_by}>){state}"


def summary_blocks(
    summary: CustomerSummary, locale: str, content: ContentMode = ContentMode.FULL
) -> list[bk.Block]:
    """One record in a search answer; sealed, its number, flags, cases and measures only (the
    name and identifiers are text the desk typed: the case modal shows them)."""
    number = t("customer.number", locale, id=summary.id)
    lines = [f"*{number}*" if content.sealed else f"*{escape(summary.display_name)}* ({number})"]
    if summary.banned:
        lines[0] = ":no_entry: " + lines[0] + " — " + ban_text(summary.banned_until, locale)
    if summary.same_name:
        lines[0] += " — " + t("customer.same_name_only", locale)
    if summary.identifiers and not content.sealed:
        names = ", ".join(escape(i) for i in summary.identifiers)
        lines.append(t("customer.identifiers", locale, identifiers=names))
    lines.append(
        t(
            "customer.cases",
            locale,
            count=len(summary.case_references),
            references=_references(summary.case_references) or "–",
        )
    )
    lines += [_measure_line(m, locale) for m in summary.measures]
    buttons = [
        bk.button(t("customer.button.measure", locale), ids.MEASURE_ACTION, str(summary.id)),
        bk.button(t("customer.button.hold", locale), ids.HOLD_ACTION, str(summary.id)),
    ]
    return [bk.section("\n".join(lines)[: bk.SECTION_TEXT_MAX]), bk.actions(buttons)]


def search_answer(
    query: str,
    found: Sequence[CustomerSummary],
    locale: str,
    content: ContentMode = ContentMode.FULL,
) -> tuple[str, list[bk.Block]]:
    """The private answer to a register search; sealed, without the query echoed back."""
    shown = "…" if content.sealed else escape(query)
    if not found:
        text = t("customer.search.none", locale, query=shown)
        return text, [bk.section(text)]
    text = t("customer.search.found", locale, count=len(found), query=shown)
    blocks: list[bk.Block] = [bk.section(text)]
    for summary in found:
        blocks += [bk.divider(), *summary_blocks(summary, locale, content)]
    blocks.append(bk.context(t("customer.search.privacy", locale)))
    return text, blocks[:MESSAGE_BLOCKS_MAX]
