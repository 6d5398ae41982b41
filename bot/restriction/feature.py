"""Restricted cases as the app sees them: the channel notice of a private case, the exclusions
hook of the report form, requests for access and their renderers."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from bot.deps import Core, Feature
from bot.restriction import ids
from bot.restriction.access import load_access
from bot.restriction.messages import notice_message
from bot.restriction.renderers import restriction_renderers
from bot.restriction.service import RestrictionService, store_exclusions
from bot.slack.blocks import SlackMessage
from storage.models import Case


def restriction_feature(core: Core) -> Feature:
    def case_notice(session: Session, case: Case, locale: str) -> SlackMessage | None:
        access = load_access(session, [case.id])[case.id]
        if not access.private:
            return None
        return notice_message(
            reference=case.reference,
            case_id=case.id,
            restricted=access.restricted,
            handlers=access.handlers if access.restricted else (),
            locale=locale,
            urgent_mention=core.settings.desk_mention_mrkdwn if case.in_danger else None,
        )

    def exclusions(session: Session, case: Case, excluded: Sequence[str], now: datetime) -> None:
        # No Slack call inside the report's transaction: the cached member list (None when
        # not known yet; then only the leads are compared).
        store_exclusions(
            session,
            case,
            excluded,
            now,
            members=core.staff.cached_members(),
            leads=core.access.lead_ids(),
        )

    return Feature(
        outbox_kinds=ids.OUTBOX_KINDS,
        renderers=restriction_renderers(locale_of=core.profiles.cached_locale),
        services=(
            RestrictionService(sessions=core.sessions, clock=core.clock, access=core.access),
        ),
        case_notices=(case_notice,),
        exclusion_hooks=(exclusions,),
    )
