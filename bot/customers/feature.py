"""The customer register's part of the running app: the case message's customer line and button.

Wire it with `customers_feature` in `bot.app.feature_factories()`. Listeners fetch the service
with `deps.service(CustomerService)` (`customer_service(deps)`).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from bot.customers.messages import case_blocks
from bot.customers.service import CustomerService, case_history
from bot.deps import Core, Deps, Feature
from bot.desk import DeskLeads
from bot.retention import LegalHolds
from bot.slack import blocks as bk
from storage.models import Case


def customer_service(deps: Deps) -> CustomerService:
    return deps.service(CustomerService)


def customers_feature(core: Core) -> Feature:
    tz = core.settings.desk_hours.tz

    def customer_blocks(session: Session, case: Case, locale: str) -> Sequence[bk.Block]:
        today = core.clock.now().astimezone(tz).date()
        history = case_history(session, case, today)
        return case_blocks(case.id, history, locale, content=core.settings.case_content_in_slack)

    leads = DeskLeads(client=core.client, leads=core.settings.desk_leads)
    service = CustomerService(
        sessions=core.sessions,
        clock=core.clock,
        is_staff=core.staff.is_staff,
        holds=LegalHolds(core.sessions, leads.user_ids),
        today=lambda now: now.astimezone(tz).date(),
        access=core.access,
    )
    return Feature(case_blocks=(customer_blocks,), services=(service,))
