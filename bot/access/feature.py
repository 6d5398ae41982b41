"""The access feature: the Open case button on the case message (sealed mode), the reporter's
App Home line with the dates the desk read their case, and the `CaseReader` its listeners use."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sqlalchemy.orm import Session

from bot.access import ids
from bot.access import log as access_log
from bot.access.modals import open_case_button
from bot.access.service import CaseReader
from bot.deps import Core, Feature
from bot.desk import DeskLeads
from bot.i18n import t
from bot.slack import blocks as bk
from bot.slack.mrkdwn import slack_day
from storage.models import Case
from storage.repositories import access as access_repo

NAME_DATES_MAX = 10


def access_home_line(session: Session, case: Case, locale: str, audience: str) -> str | None:
    """Under each of the reporter's own cases: when the desk last opened it and, for a named
    case, the days their name was shown (dates, never who). Nothing before the first opening:
    with CASE_CONTENT_IN_SLACK=full the desk reads in Slack, and "not opened" would mislead."""
    if audience != "reporter":
        return None
    opened = access_repo.last_at(
        session, [case.id], [access_log.OPEN_CASE, access_log.SHOW_NAME]
    ).get(case.id)
    if opened is None:
        return None
    lines = [t("access.home.opened", locale, date=slack_day(opened))]
    if case.identity == "named":
        shown = access_repo.times(session, case.id, access_log.SHOW_NAME, limit=NAME_DATES_MAX)
        if shown:
            dates = ", ".join(dict.fromkeys(slack_day(moment) for moment in shown))
            lines.append(t("access.home.name_shown", locale, dates=dates))
    return "\n".join(lines)


HomeCaseActions = Callable[[Session, Case, str, bool], Sequence[bk.Block]]


def with_open_case(
    actions: Callable[[Core], HomeCaseActions],
) -> Callable[[Core], HomeCaseActions]:
    """A private case's buttons on its handlers' App Home, with *Open case* first: the channel
    shows such a case as a notice without buttons, so the App Home is where they read it (in
    either content mode; the click is checked again by `CaseReader.may_open`)."""

    def factory(core: Core) -> HomeCaseActions:
        inner = actions(core)

        def combined(session: Session, case: Case, locale: str, restricted: bool) -> list[bk.Block]:
            opener = {
                **bk.actions([open_case_button(case.id, locale)]),
                "block_id": f"{ids.OPEN_CASE_ACTION}_{case.id}",
            }
            return [opener, *inner(session, case, locale, restricted)]

        return combined

    return factory


def access_feature(core: Core) -> Feature:
    settings = core.settings
    leads = DeskLeads(client=core.client, leads=settings.desk_leads)
    reader = CaseReader(
        sessions=core.sessions,
        engine=core.engine,
        clock=core.clock,
        access=core.access,
        leads=leads.user_ids,
    )

    def case_blocks(session: Session, case: Case, locale: str) -> Sequence[bk.Block]:
        if not settings.case_content_in_slack.sealed:
            return []
        return [bk.actions([open_case_button(case.id, locale)])]

    return Feature(case_blocks=(case_blocks,), services=(reader,))
