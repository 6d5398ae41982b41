"""The customer register's part of the running app: the case message's customer line and button.

Wire it with `customers_feature` in `bot.app.feature_factories()`. Listeners reach the service
through `customer_service(deps)`.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from bot import blocks as bk
from bot.customers.messages import case_blocks
from bot.customers.service import CustomerService, case_history
from bot.deps import Core, Deps, Feature
from storage.models import Case


def customer_service(deps: Deps) -> CustomerService:
    tz = deps.settings.desk_hours.tz
    return CustomerService(
        sessions=deps.sessions,
        clock=deps.clock,
        is_staff=deps.staff.is_staff,
        today=lambda now: now.astimezone(tz).date(),
    )


def customers_feature(core: Core) -> Feature:
    tz = core.settings.desk_hours.tz

    def customer_blocks(session: Session, case: Case, locale: str) -> Sequence[bk.Block]:
        today = core.clock.now().astimezone(tz).date()
        return case_blocks(case.id, case_history(session, case, today), locale)

    return Feature(case_blocks=(customer_blocks,))
