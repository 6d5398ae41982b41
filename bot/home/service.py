"""Reading what a person's App Home shows, and queueing its publication.

Desk rows are read only after the caller has checked, on the server and at that moment, that the
viewer is desk staff (`is_staff`); everyone else gets their own reports and nothing more.

Which App Homes to re-publish when a case changes: outbox rows, one per viewer and change.
Choice: only people who opened the App Home before (table `home_viewers`, written by the
`app_home_opened` listener) are refreshed: the case's reporter, and desk staff for any change.
Everyone else sees a fresh home the next time they open it, because opening publishes it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy.orm import Session

from bot.deskhours import DeskHours, open_status
from bot.guidance import GuidanceLibrary
from bot.home.ids import HOME_PUBLISH
from bot.home.messages import (
    DESK_CASES_MAX,
    MY_CASES_MAX,
    DeskCaseRow,
    DeskOverview,
    HomeContent,
    ReporterCaseRow,
    home_view,
)
from bot.restriction import AccessGate, CaseAccess, load_access
from bot.slack import blocks as bk
from bot.slack.links import WorkspaceLinks
from bot.slack.users import Profiles
from storage.db import SessionFactory
from storage.models import Case, CaseStatus
from storage.repositories import cases as cases_repo
from storage.repositories import desk as desk_repo
from storage.repositories import outbox as outbox_repo

Audience = Literal["reporter", "desk"]
# Undelivered messages the desk's App Home counts (a DM to someone who left).
FAILED_WINDOW = timedelta(days=30)
# Hook for other features (e.g. check-ins): one extra mrkdwn line under a case on the App Home,
# or None. `audience` says who reads it: "reporter" (their own case) or "desk" (desk staff).
HomeCaseLine = Callable[[Session, Case, str, Audience], str | None]
# Hook for other features (e.g. awareness posts): blocks at the end of the desk's section,
# given the session, the viewer (to show only what they may see) and their locale.
DeskHomeSection = Callable[[Session, str, str], Sequence[bk.Block]]
# The desk's buttons under a private case (session, case, locale, restricted by a lead).
HomeCaseActions = Callable[[Session, Case, str, bool], Sequence[bk.Block]]


@dataclass(frozen=True)
class HomeSources:
    guidance: GuidanceLibrary
    hotline_url: str | None
    links: WorkspaceLinks
    case_lines: Sequence[HomeCaseLine] = ()
    desk_sections: Sequence[DeskHomeSection] = ()
    desk_hours: DeskHours | None = None
    # True while the bot cannot post in the desk channel (never waits on Slack).
    desk_channel_refused: Callable[[], bool] = lambda: False
    # Who may see which case (bot.restriction): the desk part lists only what the viewer may.
    access: AccessGate | None = None
    case_actions: HomeCaseActions | None = None


def _extra_lines(
    session: Session, case: Case, locale: str, audience: Audience, hooks: Sequence[HomeCaseLine]
) -> tuple[str, ...]:
    lines = (hook(session, case, locale, audience) for hook in hooks)
    return tuple(line for line in lines if line)


def sla_breached(case: Case, now: datetime) -> bool:
    if case.status != CaseStatus.NEW:
        return False
    return case.sla_stage > 0 or (case.sla_due_at is not None and case.sla_due_at <= now)


def my_case_rows(
    session: Session,
    user_id: str,
    locale: str,
    hooks: Sequence[HomeCaseLine] = (),
    limit: int = MY_CASES_MAX,
) -> list[ReporterCaseRow]:
    return [
        ReporterCaseRow(
            reference=case.reference,
            status=case.status,
            reported_at=case.created_at,
            updated_at=case.updated_at,
            extra_lines=_extra_lines(session, case, locale, "reporter", hooks),
        )
        for case in cases_repo.for_reporter(session, user_id, limit=limit)
    ]


def _visible(session: Session, case_ids: list[int], viewer: str, sources: HomeSources) -> set[int]:
    if sources.access is None:
        return set(case_ids)
    return sources.access.visible(session, case_ids, viewer)


def desk_overview(
    session: Session, *, viewer: str, locale: str, now: datetime, sources: HomeSources
) -> DeskOverview:
    """The desk's part of `viewer`'s home: only the cases they may see (`AccessGate`); a case
    they may not see is not listed and its categories are not counted."""
    open_ids = desk_repo.open_case_ids(session)
    visible = _visible(session, open_ids, viewer, sources)
    shown_ids = [case_id for case_id in open_ids if case_id in visible][:DESK_CASES_MAX]
    by_id = {case.id: case for case in cases_repo.load(session, shown_ids)}
    cases = [by_id[case_id] for case_id in shown_ids if case_id in by_id]
    access = load_access(session, shown_ids)
    label = sources.guidance.category_label
    rows = [
        DeskCaseRow(
            reference=case.reference,
            status=case.status,
            categories=tuple(label(key, locale) for key in case.categories),
            reported_at=case.created_at,
            assignee_user_id=case.assignee_user_id,
            permalink=sources.links.message(case.desk_channel_id, case.desk_message_ts),
            sla_breached=sla_breached(case, now),
            in_danger=case.in_danger,
            extra_lines=_extra_lines(session, case, locale, "desk", sources.case_lines),
            actions=_actions(session, case, locale, access[case.id], sources),
        )
        for case in cases
    ]
    categories: Counter[str] = Counter()
    for case_id, keys in desk_repo.open_categories(session):
        if case_id in visible:
            categories.update(keys)
    return DeskOverview(
        cases=rows,
        more=max(0, len(visible) - len(rows)),
        status_counts=desk_repo.status_counts(session),
        category_counts=[(label(key, locale), count) for key, count in categories.most_common()],
        failed_deliveries=desk_repo.failed_deliveries(session, now - FAILED_WINDOW),
        extra_blocks=tuple(
            b for part in sources.desk_sections for b in part(session, viewer, locale)
        ),
        hours_line=open_status(sources.desk_hours, now, locale) if sources.desk_hours else "",
    )


def _actions(
    session: Session, case: Case, locale: str, access: CaseAccess, sources: HomeSources
) -> tuple[bk.Block, ...]:
    if not access.private or sources.case_actions is None:
        return ()
    return tuple(sources.case_actions(session, case, locale, access.restricted))


def build_home(
    session: Session,
    user_id: str,
    *,
    locale: str,
    is_staff: bool,
    now: datetime,
    sources: HomeSources,
) -> bk.Block:
    mine = my_case_rows(session, user_id, locale, sources.case_lines, limit=MY_CASES_MAX + 1)
    overview = sources.guidance.general.get("overview")
    title = overview.title.get("ja" if locale == "ja" else "en") if overview else ""
    content = HomeContent(
        locale=locale,
        policy_title=title,
        hotline_url=sources.hotline_url,
        my_cases=mine[:MY_CASES_MAX],
        more_reports=len(mine) > MY_CASES_MAX,
        desk=(
            desk_overview(session, viewer=user_id, locale=locale, now=now, sources=sources)
            if is_staff
            else None
        ),
        desk_channel_refused=sources.desk_channel_refused(),
    )
    return home_view(content)


def my_cases(
    sessions: SessionFactory, user_id: str, locale: str, hooks: Sequence[HomeCaseLine] = ()
) -> list[ReporterCaseRow]:
    """The person's own reports (for `/harassment status`), read in a session of its own."""
    with sessions() as session:
        return my_case_rows(session, user_id, locale, hooks)


def record_home_open(
    sessions: SessionFactory, profiles: Profiles, *, user_id: str, event_id: str, now: datetime
) -> None:
    """Remember the viewer and queue their home (the caller kicks the outbox to publish it)."""
    profiles.get(user_id)  # caches the viewer's locale for every later refresh
    with sessions.begin() as session:
        desk_repo.remember_home_viewer(session, user_id, now)
        outbox_repo.enqueue(
            session,
            kind=HOME_PUBLISH,
            dedupe_key=f"home:{user_id}:opened:{event_id}",
            payload={"user_id": user_id},
            now=now,
        )


def enqueue_home_refreshes(
    session: Session,
    *,
    change_key: str,
    reporter_user_id: str | None,
    staff_members: Collection[str] | None,
    now: datetime,
) -> int:
    """Queue a Publish for each viewer who sees this change; `change_key` makes each one unique."""
    count = 0
    for user_id in sorted(desk_repo.home_viewers(session)):
        if (
            staff_members is not None
            and user_id != reporter_user_id
            and user_id not in staff_members
        ):
            continue
        added = outbox_repo.enqueue(
            session,
            kind=HOME_PUBLISH,
            dedupe_key=f"home:{user_id}:{change_key}",
            payload={"user_id": user_id},
            now=now,
        )
        count += int(added)
    return count
