"""Who may see a case, and act on it: the one rule every path that shows or changes a case asks.

    excluded by the reporter on the form  -> never (not as a lead, not as a named handler)
    a desk lead (DESK_LEADS)              -> yes
    not a desk member (any more)          -> no
    a case a lead restricted              -> its named handlers only
    any other case                        -> every desk member

`may_see` is the rule itself, pure; `AccessGate` reads what it needs (the case's restriction,
handlers and exclusions, the desk's members, the leads) and asks it. Build the gate once (it is
`core.access`) and call `gate.may_see(session, case_id, user_id)` wherever a case is shown or
acted on; `gate.visible(session, case_ids, user_id)` for lists.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection
from dataclasses import dataclass

from sqlalchemy.orm import Session

from bot.desk import DeskLeads, LeadsUnavailable
from storage.repositories import restriction as repo

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CaseAccess:
    """What decides who sees one case, besides the desk's membership and its leads."""

    case_id: int
    restricted: bool = False
    handlers: frozenset[str] = frozenset()
    excluded: frozenset[str] = frozenset()

    @property
    def private(self) -> bool:
        """Not for every desk member: the channel shows a notice instead of the case."""
        return self.restricted or bool(self.excluded)


def may_see(access: CaseAccess, user_id: str, *, is_staff: bool, is_lead: bool) -> bool:
    """The rule (see the module docstring). Seeing a case and acting on it are the same right."""
    if not user_id or user_id in access.excluded:
        return False
    if is_lead:
        return True
    if not is_staff:
        return False
    if access.restricted:
        return user_id in access.handlers
    return True


def load_access(session: Session, case_ids: Collection[int]) -> dict[int, CaseAccess]:
    """Each case's access facts in three queries, whatever the number of cases."""
    ids = list(case_ids)
    restricted = repo.restricted_ids(session, ids)
    handlers = repo.handlers_of(session, ids)
    excluded = repo.exclusions_of(session, ids)
    return {
        case_id: CaseAccess(
            case_id=case_id,
            restricted=case_id in restricted,
            handlers=frozenset(handlers.get(case_id, ())),
            excluded=frozenset(excluded.get(case_id, ())),
        )
        for case_id in ids
    }


def lead_ids_of(leads: DeskLeads) -> Callable[[], tuple[str, ...]]:
    """DESK_LEADS resolved now; none while a user group cannot be read (fail closed)."""

    def lead_ids() -> tuple[str, ...]:
        try:
            return leads.user_ids()
        except LeadsUnavailable:
            return ()

    return lead_ids


class AccessGate:
    """`may_see` with the desk's membership and the leads asked at the moment of the call.

    `is_staff` is the desk staff cache (a member who left the channel stops counting as soon as
    the membership event is handled, or within STAFF_CACHE_TTL); `lead_ids` the resolved
    DESK_LEADS. When the leads cannot be read, nobody counts as a lead (fail closed).
    """

    def __init__(
        self, *, is_staff: Callable[[str], bool], lead_ids: Callable[[], Collection[str]]
    ) -> None:
        self._is_staff = is_staff
        self._lead_ids = lead_ids

    def is_lead(self, user_id: str) -> bool:
        return user_id in self._lead_ids()

    def lead_ids(self) -> tuple[str, ...]:
        return tuple(self._lead_ids())

    def is_staff(self, user_id: str) -> bool:
        return self._is_staff(user_id)

    def access(self, session: Session, case_id: int) -> CaseAccess:
        return load_access(session, [case_id])[case_id]

    def allows(self, access: CaseAccess, user_id: str) -> bool:
        return may_see(
            access, user_id, is_staff=self._is_staff(user_id), is_lead=self.is_lead(user_id)
        )

    def may_see_as(
        self, session: Session, case_id: int, user_id: str, *, staff: bool, lead: bool
    ) -> bool:
        """`may_see` with the person's desk membership and leadership already asked: for a
        caller inside a write transaction, which must not wait on Slack or the staff cache."""
        return may_see(self.access(session, case_id), user_id, is_staff=staff, is_lead=lead)

    def may_see(self, session: Session, case_id: int, user_id: str) -> bool:
        """May `user_id` see (and act on) case `case_id` now?"""
        return self.allows(self.access(session, case_id), user_id)

    def visible(self, session: Session, case_ids: Collection[int], user_id: str) -> set[int]:
        """The cases of `case_ids` that `user_id` may see."""
        staff, lead = self._is_staff(user_id), self.is_lead(user_id)
        return {
            case_id
            for case_id, access in load_access(session, case_ids).items()
            if may_see(access, user_id, is_staff=staff, is_lead=lead)
        }
