"""After a 429 for a channel, posts to it are paced at Slack's one per second.

Slack lets an app post about one message a second to a channel. Before pacing, every row for
a rate-limited channel was tried again when its Retry-After ran out, all at once, and all but
one were answered 429 again: six reports to one desk channel cost 31 429s.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.outbox import ChannelPacer
from tests.harness import DESK_CHANNEL, DESK_STAFF, REPORTER_EN, REPORTER_JA, AppHarness

T0 = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
SECOND = timedelta(seconds=1)


def test_an_unlimited_channel_is_never_held() -> None:
    pacer = ChannelPacer(spacing=SECOND)
    assert [pacer.slot("C1", T0) for _ in range(5)] == [None] * 5


def test_after_a_429_each_waiting_post_gets_its_own_slot() -> None:
    pacer = ChannelPacer(spacing=SECOND)
    refused_slot = pacer.limited("C1", T0, retry_after=SECOND)
    assert refused_slot == T0 + SECOND
    # Three more posts for C1 in the same instant: one slot each, after the refused one's.
    assert [pacer.slot("C1", T0) for _ in range(3)] == [T0 + 2 * SECOND, T0 + 3 * SECOND,
                                                        T0 + 4 * SECOND]  # fmt: skip
    # Another channel is not held back by C1's limit.
    assert pacer.slot("C2", T0) is None
    # Each waiting post goes when its slot comes; one that comes too soon after is put off.
    assert pacer.slot("C1", T0 + SECOND, held=T0 + SECOND) is None
    assert pacer.slot("C1", T0 + 1.5 * SECOND, held=T0 + 2 * SECOND) == T0 + 2 * SECOND
    assert pacer.slot("C1", T0 + 2 * SECOND, held=T0 + 2 * SECOND) is None
    # A new post waits behind the reserved slots, and goes at once when none is left.
    assert pacer.slot("C1", T0 + 2 * SECOND) == T0 + 5 * SECOND
    assert pacer.slot("C1", T0 + 9 * SECOND) is None


def test_pacing_ends_a_minute_after_the_last_429() -> None:
    pacer = ChannelPacer(spacing=SECOND)
    pacer.limited("C1", T0, retry_after=2 * SECOND)
    later = T0 + timedelta(minutes=2)
    assert [pacer.slot("C1", later) for _ in range(3)] == [None] * 3


def test_a_rate_limited_desk_channel_gets_every_post_once_with_few_429s(
    app: AppHarness,
) -> None:
    reports = 6
    app.slack.rate_limit_per_channel(1, 1.0)
    reporters = [REPORTER_JA, REPORTER_EN, *DESK_STAFF]
    for number in range(reports):
        reporter = reporters[number % len(reporters)]
        view = app.open_report_form(reporter)
        answer = app.submit_report(view, user_id=reporter)
        assert answer.json()["response_action"] == "update", answer.text
    # Each report posts its case message and, in its thread, the guidance: 12 posts in all.
    app.slack.wait_for(lambda: len(app.slack.messages(DESK_CHANNEL)) == reports, timeout=90)
    cases = app.slack.messages(DESK_CHANNEL)
    app.slack.wait_for(
        lambda: all(app.slack.replies(DESK_CHANNEL, case["ts"]) for case in cases), timeout=90
    )
    desk_posts = [
        call
        for call in app.slack.calls_to("chat.postMessage")
        if call.args.get("channel") == DESK_CHANNEL
    ]
    refused = [call for call in desk_posts if call.status == 429]
    # Unpaced (as delivery first was), every waiting row was retried when its Retry-After ran
    # out, all together: 43 posts to the desk channel for these 12 messages, 31 of them answered
    # 429. Paced, there is the first 429 (on an idle machine, the only one: 13 posts); a post
    # that reaches Slack much later than its slot can meet another.
    assert len(refused) < reports, [call.status for call in desk_posts]
    assert len(app.slack.messages(DESK_CHANNEL)) == reports
    for case in cases:
        assert len(app.slack.replies(DESK_CHANNEL, case["ts"])) == 1  # its guidance
