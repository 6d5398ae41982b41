"""A re-render of the case message that Slack already shows is not sent again.

Several changes in a row (a check-in sent, a message read, the SLA line) each ask for the case
message to be re-rendered; when the result is what Slack has, the chat.update is skipped.
"""

from __future__ import annotations

import copy

from sqlalchemy import select

from bot.desk import ids as desk_ids
from bot.report.service import enqueue_case_update
from storage.models import OutboxMessage, OutboxStatus
from tests.desk_support import buttons, case_message, click, load, report
from tests.harness import DESK_STAFF, AppHarness


def updates_of(app: AppHarness, ts: str) -> list[object]:
    return [c for c in app.slack.calls_to("chat.update") if c.args.get("ts") == ts]


def wait_done(app: AppHarness, dedupe_key: str) -> OutboxMessage:
    def done() -> OutboxMessage | None:
        with app.deps.sessions() as session:
            row = session.scalars(
                select(OutboxMessage).where(OutboxMessage.dedupe_key == dedupe_key)
            ).first()
            return row if row is not None and row.status == OutboxStatus.DONE else None

    return app.slack.wait_for(done, timeout=20)


def test_an_unchanged_case_message_is_not_updated_and_a_changed_one_is(app: AppHarness) -> None:
    case = report(app)
    assert case.desk_message_ts
    stored = load(app, case.id)
    assert stored.desk_message_digest  # remembered with the post

    for number in (1, 2):
        with app.deps.sessions.begin() as session:
            enqueue_case_update(session, case.id, f"test:unchanged:{number}", app.deps.clock.now())
        app.deps.outbox.kick()
        wait_done(app, f"test:unchanged:{number}")
    assert updates_of(app, case.desk_message_ts) == []

    before = copy.deepcopy(case_message(app, case))
    acknowledge = buttons(before)[desk_ids.ACKNOWLEDGE_ACTION]
    click(app, case, desk_ids.ACKNOWLEDGE_ACTION, DESK_STAFF[0], acknowledge)
    app.slack.wait_for(lambda: updates_of(app, str(case.desk_message_ts)), timeout=20)
    after = case_message(app, case)
    assert after["blocks"] != before["blocks"]
    # The new digest is written with the delivery's outcome, a moment after Slack took it.
    app.slack.wait_for(
        lambda: load(app, case.id).desk_message_digest != stored.desk_message_digest, timeout=20
    )

    # The same content again, after the change: still nothing more is sent.
    sent = len(updates_of(app, case.desk_message_ts))
    with app.deps.sessions.begin() as session:
        enqueue_case_update(session, case.id, "test:unchanged:3", app.deps.clock.now())
    app.deps.outbox.kick()
    wait_done(app, "test:unchanged:3")
    assert len(updates_of(app, case.desk_message_ts)) == sent
