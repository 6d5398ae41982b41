"""The report feature as the app sees it: the renderers of the case message and the reporter's DM.

The case message carries blocks from other features (the desk's buttons, check-in status): the
app passes every feature's `case_blocks` in, so this feature is wired after the others
(`bot.app.build_deps`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sqlalchemy.orm import Session

from bot.deps import Core, Feature
from bot.report import ids
from bot.report.renderers import CaseBlocks, CaseNotice, ReportRendering, report_renderers
from bot.report.service import ReportPolicy
from storage.models import Case


def report_feature(
    core: Core,
    *,
    case_blocks: Sequence[CaseBlocks] = (),
    mention_allowed: Callable[[Session, Case], bool] | None = None,
    receipt_blocks: Sequence[CaseBlocks] = (),
    case_notices: Sequence[CaseNotice] = (),
) -> Feature:
    settings = core.settings
    # The SLA deadline is computed inside the submission's ack: load the holidays now.
    settings.desk_hours.warm_up(core.clock.now())
    rendering = ReportRendering(
        desk_locale=settings.default_locale,
        mention=settings.desk_mention_mrkdwn,
        ack_sla=settings.ack_sla,
        category_label=core.guidance.category_label,
        employee_guidance=core.guidance.employee_blocks,
        case_blocks=tuple(case_blocks),
        mention_allowed=mention_allowed,
        receipt_blocks=tuple(receipt_blocks),
        case_notices=tuple(case_notices),
        desk_hours=settings.desk_hours,
        content=settings.case_content_in_slack,
    )
    return Feature(
        outbox_kinds=ids.OUTBOX_KINDS,
        renderers=report_renderers(rendering),
        services=(ReportPolicy.from_settings(settings),),
    )
