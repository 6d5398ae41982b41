"""Desk staff = desk channel members; membership events take effect at once."""

from __future__ import annotations

from tests.harness import DESK_CHANNEL, DESK_STAFF, OUTSIDER, AppHarness


def test_membership_is_cached_and_refreshed_on_member_events(app: AppHarness) -> None:
    staff = app.deps.staff
    assert staff.is_staff(DESK_STAFF[0])
    assert not staff.is_staff(OUTSIDER)
    calls = len(app.slack.calls_to("conversations.members"))
    assert staff.is_staff(DESK_STAFF[1])
    assert len(app.slack.calls_to("conversations.members")) == calls  # cached

    app.slack.channels[DESK_CHANNEL].members.append(OUTSIDER)
    event = {"type": "member_joined_channel", "user": OUTSIDER, "channel": DESK_CHANNEL}
    assert app.sender.event(event).status == 200
    app.slack.wait_for(lambda: staff.is_staff(OUTSIDER))

    app.slack.channels[DESK_CHANNEL].members.remove(OUTSIDER)
    left = {"type": "member_left_channel", "user": OUTSIDER, "channel": DESK_CHANNEL}
    assert app.sender.event(left).status == 200
    app.slack.wait_for(lambda: not staff.is_staff(OUTSIDER))


def test_a_retried_event_is_handled_once(app: AppHarness) -> None:
    event = {"type": "member_joined_channel", "user": OUTSIDER, "channel": DESK_CHANNEL}
    first = app.sender.event(event, event_id="Ev0001")
    retry = app.sender.event(event, event_id="Ev0001", retry_num=1, retry_reason="http_timeout")
    assert first.status == retry.status == 200
    from sqlalchemy import func, select

    from storage.models import ProcessedEvent

    with app.deps.sessions() as session:
        assert session.scalar(select(func.count()).select_from(ProcessedEvent)) == 1
