"""Outbox renderer: a person's App Home, built at delivery time from the database as it is then."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from bot.clock import Clock
from bot.home.ids import HOME_PUBLISH
from bot.home.service import HomeSources, build_home
from bot.outbox import Delivery, Publish, Renderer, Skip
from storage.models import OutboxMessage

# The locale of a person from the users.info cache, read in the renderer's own session: a
# renderer runs inside the worker's transaction and must not open a second writer (SQLite).
LocaleOf = Callable[[Session, str], str]
IsStaff = Callable[[str], bool]


def home_renderers(
    *, locale_of: LocaleOf, is_staff: IsStaff, clock: Clock, sources: HomeSources
) -> dict[str, Renderer]:
    def home(session: Session, message: OutboxMessage) -> Delivery:
        user_id = str(message.payload.get("user_id", ""))
        if not user_id:
            return Skip("no user")
        view = build_home(
            session,
            user_id,
            locale=locale_of(session, user_id),
            is_staff=is_staff(user_id),  # asked again at delivery: access may have ended
            now=clock.now(),
            sources=sources,
        )
        return Publish(user_id, view)

    return {HOME_PUBLISH: home}
