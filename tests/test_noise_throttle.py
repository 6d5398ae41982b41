"""Noise is throttled without losing anything (issue 10, finding 6)."""

from __future__ import annotations

from sqlalchemy import select

from bot.desk import ids
from storage.models import CaseEvent
from tests.desk_support import click_payload, report, wait_private_reply
from tests.harness import OUTSIDER, REPORTER_EN, AppHarness

REFUSED_CLICKS = 30


def test_repeated_refusals_are_one_audit_row_with_a_count(app: AppHarness) -> None:
    case = report(app, REPORTER_EN)
    payload = click_payload(app, case, ids.ACKNOWLEDGE_ACTION, OUTSIDER)
    for _ in range(REFUSED_CLICKS):
        assert app.sender.interaction(payload).status == 200
    wait_private_reply(app, REFUSED_CLICKS)  # every click is still answered

    def rows() -> list[CaseEvent]:
        with app.deps.sessions() as session:
            query = select(CaseEvent).where(CaseEvent.action.like("denied:%"))
            return list(session.scalars(query))

    [row] = app.slack.wait_for(
        lambda: (
            found
            if (found := rows()) and (found[0].after or {}).get("count") == REFUSED_CLICKS
            else None
        )
    )
    assert (row.action, row.actor_user_id, row.case_id) == ("denied:acknowledge", OUTSIDER, case.id)
    print(f"\n{REFUSED_CLICKS} refused clicks -> {len(rows())} audit row, count {REFUSED_CLICKS}")
