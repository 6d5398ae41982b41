"""DMs to people who left stop at once; nothing retries forever."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.clock import FrozenClock
from bot.standin import SlackStandIn
from storage.models import OutboxMessage, OutboxStatus
from tests.harness import DESK_STAFF, REPORTER_EN, AppHarness
from tests.home.test_home import open_home, wait_home

NARRATIVE = "The customer grabbed my arm at the counter."


def dm_row(app: AppHarness) -> OutboxMessage | None:
    with app.deps.sessions() as session:
        return session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == "report.reporter_dm")
        ).one_or_none()


def wait_failed(app: AppHarness) -> OutboxMessage:
    def failed() -> OutboxMessage | None:
        row = dm_row(app)
        return row if row is not None and row.status == OutboxStatus.FAILED else None

    return app.slack.wait_for(failed, timeout=20)


def file_report(app: AppHarness) -> None:
    view = app.open_report_form(REPORTER_EN)
    response = app.submit_report(view, {"narrative": NARRATIVE}, user_id=REPORTER_EN)
    assert response.json()["response_action"] == "update"


def test_a_dm_to_someone_who_left_fails_at_once(
    app: AppHarness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    view = app.open_report_form(REPORTER_EN)
    app.slack.users[REPORTER_EN]["deleted"] = True  # deactivated after opening the form
    app.submit_report(view, {"narrative": NARRATIVE}, user_id=REPORTER_EN)
    row = wait_failed(app)
    assert row.last_error == "user_disabled"
    assert row.attempts == 1
    opens = [c for c in app.slack.calls_to("conversations.open") if c.args["users"] == REPORTER_EN]
    assert len(opens) == 1
    # One log line, without content: no narrative, no reporter id.
    lines = [r.getMessage() for r in caplog.records if "user_disabled" in r.getMessage()]
    assert len(lines) == 1, lines
    assert NARRATIVE not in lines[0] and REPORTER_EN not in lines[0]
    # The desk sees it on its App Home.
    open_home(app, DESK_STAFF[0])
    wait_home(app, DESK_STAFF[0], "1件のメッセージを届けられませんでした")


@pytest.mark.parametrize("error", ["user_not_visible", "method_not_supported_for_channel_type"])
def test_other_permanent_errors_fail_at_once(app: AppHarness, error: str) -> None:
    app.slack.fail("conversations.open", error=error, times=None)
    file_report(app)
    row = wait_failed(app)
    assert (row.last_error, row.attempts) == (error, 1)


@pytest.fixture
def frozen(slack: SlackStandIn, database_url: str) -> Iterator[tuple[AppHarness, FrozenClock]]:
    clock = FrozenClock(datetime.now(UTC).replace(microsecond=0))
    with AppHarness(slack, database_url, clock=clock) as app:
        yield app, clock


def test_a_delivery_older_than_the_give_up_age_is_failed(
    frozen: tuple[AppHarness, FrozenClock],
) -> None:
    app, clock = frozen
    app.slack.fail("conversations.open", status=500, times=None)  # Slack keeps failing
    file_report(app)
    # Wait for the first attempt to have failed (not merely started): its retry is then due
    # 2 s after this moment, well before the clock jumps.
    app.slack.wait_for(
        lambda: (
            (row := dm_row(app)) is not None
            and row.status == OutboxStatus.PENDING
            and row.last_error == "internal_error"
        )
    )
    clock.advance(timedelta(days=2, minutes=1))  # DELIVERY_GIVE_UP defaults to 2 days
    app.deps.outbox.kick()
    row = wait_failed(app)
    assert row.last_error == "gave_up"
    open_home(app, DESK_STAFF[1])
    wait_home(app, DESK_STAFF[1], "メッセージを届けられませんでした")
