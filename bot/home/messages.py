"""Pure builders for the App Home and `/harassment status`, from plain rows (no database, no Slack).

A person only ever gets rows of their own reports; the desk section is built only from a
`DeskOverview`, which the caller passes for desk staff alone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from bot.i18n import t
from bot.report import OPEN_REPORT_ACTION
from bot.slack import blocks as bk
from bot.slack import limits
from bot.slack.blocks import SlackMessage
from bot.slack.mrkdwn import escape, slack_date, truncate_plain
from bot.sos import OPEN_ACTION as SOS_ACTION

MY_CASES_MAX = 20
DESK_CASES_MAX = 40
STATUS_ORDER = ("new", "acknowledged", "escalated", "resolved")


@dataclass(frozen=True)
class ReporterCaseRow:
    reference: str
    status: str
    reported_at: datetime
    updated_at: datetime
    extra_lines: tuple[str, ...] = ()


@dataclass(frozen=True)
class DeskCaseRow:
    reference: str
    status: str
    categories: tuple[str, ...]
    reported_at: datetime
    assignee_user_id: str | None
    permalink: str | None
    sla_breached: bool
    in_danger: bool
    extra_lines: tuple[str, ...] = ()
    # A private case's desk buttons, for those who may see it (its channel message is a notice).
    actions: tuple[bk.Block, ...] = ()


@dataclass(frozen=True)
class DeskOverview:
    cases: Sequence[DeskCaseRow]
    more: int
    status_counts: Mapping[str, int]
    category_counts: Sequence[tuple[str, int]]  # (label, open cases), most first
    failed_deliveries: int = 0  # Slack messages given up on in the last FAILED_WINDOW
    extra_blocks: Sequence[bk.Block] = ()  # other features' desk sections (awareness posts)
    hours_line: str = ""  # the desk open or closed now (desk hours)


@dataclass(frozen=True)
class HomeContent:
    locale: str
    policy_title: str
    hotline_url: str | None
    my_cases: Sequence[ReporterCaseRow]
    desk: DeskOverview | None = None
    more_reports: bool = False
    extra: Sequence[bk.Block] = field(default_factory=tuple)
    # The bot cannot post in the desk channel: nothing reaches the desk (everyone is told).
    desk_channel_refused: bool = False


def _section_text(lines: Sequence[str]) -> str:
    return truncate_plain("\n".join(line for line in lines if line), limits.SECTION_TEXT_MAX)


def reporter_case_section(row: ReporterCaseRow, locale: str) -> bk.Block:
    line = t(
        "home.case_line",
        locale,
        reference=escape(row.reference),
        status=t(f"status.{row.status}", locale),
        reported=slack_date(row.reported_at),
        updated=slack_date(row.updated_at),
    )
    return bk.section(_section_text([line, *row.extra_lines]))


def desk_case_section(row: DeskCaseRow, locale: str) -> bk.Block:
    reference = f"*{escape(row.reference)}*"
    link = f"<{row.permalink}|{reference}>" if row.permalink else reference
    assignee = (
        t("desk.case.assignee", locale, user=f"<@{row.assignee_user_id}>")
        if row.assignee_user_id
        else t("desk.case.unassigned", locale)
    )
    line = t(
        "home.desk.case_line",
        locale,
        link=link,
        status=t(f"status.{row.status}", locale),
        categories=escape(", ".join(row.categories)) or t("case.no_categories", locale),
        reported=slack_date(row.reported_at),
        assignee=assignee,
    )
    flags = [t("home.desk.urgent", locale)] if row.in_danger else []
    if row.sla_breached:
        flags.append(t("home.desk.breach", locale))
    return bk.section(_section_text([line, " · ".join(flags), *row.extra_lines]))


def hotline_text(locale: str, hotline_url: str | None) -> str:
    if hotline_url:
        safe = escape(hotline_url).replace("|", "%7C")
        hotline = t("guidance.hotline_link", locale, url=safe)
    else:
        hotline = t("guidance.hotline_ask_hr", locale)
    return t("home.hotline", locale, hotline=hotline)


def _desk_blocks(desk: DeskOverview, locale: str) -> list[bk.Block]:
    counts = [
        f"*{t(f'status.{status}', locale)}*\n{desk.status_counts.get(status, 0)}"
        for status in STATUS_ORDER
    ]
    categories = "\n".join(
        f"• {escape(label)}: {count}" for label, count in desk.category_counts
    ) or t("home.desk.none", locale)
    blocks: list[bk.Block] = [
        bk.divider(),
        bk.header(t("home.desk.header", locale)),
        bk.context(t("home.desk.only_you", locale)),
        *([bk.section(desk.hours_line)] if desk.hours_line else []),
        *(
            [bk.section(t("privacy.home.undelivered", locale, n=desk.failed_deliveries))]
            if desk.failed_deliveries
            else []
        ),
        bk.section(f"*{t('home.desk.by_status', locale)}*"),
        bk.fields(counts),
        bk.section(_section_text([f"*{t('home.desk.by_category', locale)}*", categories])),
        bk.header(t("home.desk.open_cases", locale)),
    ]
    if not desk.cases:
        blocks.append(bk.section(t("home.desk.no_open", locale)))
    for row in desk.cases[:DESK_CASES_MAX]:
        blocks.append(desk_case_section(row, locale))
        blocks.extend(row.actions)
    if desk.more:
        blocks.append(bk.context(t("home.desk.more", locale, n=desk.more)))
    blocks.extend(desk.extra_blocks)
    return blocks


def home_view(content: HomeContent) -> bk.Block:
    locale = content.locale
    report_button = bk.button(
        t("home.report_button", locale), OPEN_REPORT_ACTION, "home", style="primary"
    )
    notice = [bk.section(t("home.desk_channel_not_member", locale))]
    blocks: list[bk.Block] = [
        *(notice if content.desk_channel_refused else []),
        bk.section(t("home.intro", locale), accessory=report_button),
        bk.section(
            t("sos.home_hint", locale),
            accessory=bk.button(t("sos.button", locale), SOS_ACTION, "home", style="danger"),
        ),
        bk.section(t("home.policy", locale, title=escape(content.policy_title))),
        bk.context(hotline_text(locale, content.hotline_url)),
        bk.divider(),
        bk.header(t("home.my_reports", locale)),
    ]
    if not content.my_cases:
        blocks.append(bk.section(t("home.no_reports", locale)))
    blocks.extend(reporter_case_section(row, locale) for row in content.my_cases[:MY_CASES_MAX])
    if content.more_reports:
        blocks.append(bk.context(t("home.more_reports", locale, n=MY_CASES_MAX)))
    blocks.extend(content.extra)
    if content.desk is not None:
        blocks.extend(_desk_blocks(content.desk, locale))
    return {"type": "home", "blocks": blocks[: limits.VIEW_BLOCKS_MAX]}


def status_message(rows: Sequence[ReporterCaseRow], locale: str) -> SlackMessage:
    """`/harassment status`: the caller's own reports, for an ephemeral answer."""
    if not rows:
        return SlackMessage(
            text=t("status_cmd.empty", locale), blocks=[bk.section(t("status_cmd.empty", locale))]
        )
    blocks: list[bk.Block] = [bk.header(t("status_cmd.header", locale))]
    blocks.extend(
        reporter_case_section(row, locale) for row in rows[: limits.MESSAGE_BLOCKS_MAX - 1]
    )
    return SlackMessage(text=t("status_cmd.notification", locale), blocks=blocks)
