"""A burst of reports from as many people, with Slack's per-channel limit on.

Each report causes a case message and a guidance post in the desk channel and a DM to its
reporter. With the stand-in allowing one chat.postMessage per channel per second, as Slack
does, the DMs (one channel per person) can all arrive within seconds, while the desk channel
takes at least one second per post: 200 reports need 200 s for their case messages alone.
So this measures how long after the last ack every reporter had their DM, how many case
messages were in the desk channel by then and by the end of the wait, and how many posts
Slack refused.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from bench.load import run_load
from bot.standin import SenderResponse, SlackRequestSender, SlackStandIn
from tests.harness import DESK_CHANNEL

CONCURRENCY = 20


@dataclass(frozen=True)
class LimitedBurst:
    reports: int
    dms_delivered: int
    dms_s: float | None  # last ack to the last reporter's DM; None if not all came in the wait
    case_messages_at_dms: int  # case messages in the desk channel when the DMs were all there
    case_messages: int  # case messages in the desk channel when the wait ended
    waited_s: float
    refused_429: int  # chat.postMessage calls answered 429 during the burst and the wait

    def describe(self) -> str:
        dms = (
            f"every reporter's DM {self.dms_s:.1f} s after the last ack"
            if self.dms_s is not None
            else f"{self.dms_delivered} of {self.reports} DMs within {self.waited_s:.0f} s"
        )
        return (
            f"{self.reports} reports from {self.reports} people at concurrency {CONCURRENCY}, "
            f"Slack's limit of one post per channel per second on: {dms} "
            f"({self.case_messages_at_dms} case messages in the desk channel by then); "
            f"{self.case_messages} of {self.reports} case messages after {self.waited_s:.0f} s "
            f"(one channel: at least {self.reports} s for all); {self.refused_429} posts "
            "answered 429"
        )


def limited_burst(
    sender: SlackRequestSender,
    slack: SlackStandIn,
    bodies: list[str],
    reporters: list[str],
    ok: Callable[[SenderResponse], bool],
    wait_s: float,
) -> LimitedBurst:
    """Send `bodies` (one report by each of `reporters`) with the per-channel limit on; then
    wait up to `wait_s` for the DMs and the case messages. The limit is off again on return."""
    refusals: list[str] = []

    def counted(answer: SenderResponse) -> bool:
        good = ok(answer)
        if not good:
            refusals.append(f"HTTP {answer.status}: {answer.text[:200]}")
        return good

    calls_before = len(slack.calls_to("chat.postMessage"))
    desk_before = len(slack.messages(DESK_CHANNEL))
    slack.rate_limit_per_channel(1, 1.0)
    try:
        load = run_load(sender, bodies, CONCURRENCY, counted)
        for refusal in sorted(set(refusals)):
            print(f"limited burst: {refusals.count(refusal)} answered {refusal}")
        acked = time.perf_counter()

        def dms_in() -> int:
            return sum(1 for user in reporters if slack.dms(user))

        def case_messages() -> int:
            return len(slack.messages(DESK_CHANNEL)) - desk_before

        dms_s: float | None = None
        at_dms = 0
        deadline = acked + wait_s
        while time.perf_counter() < deadline:
            if dms_s is None and dms_in() == len(reporters):
                dms_s = time.perf_counter() - acked
                at_dms = case_messages()
            if dms_s is not None and case_messages() >= len(bodies):
                break
            time.sleep(0.1)
        waited = time.perf_counter() - acked
        refused = sum(
            1 for call in slack.calls_to("chat.postMessage")[calls_before:] if call.status == 429
        )
        return LimitedBurst(
            reports=len(load.latencies),
            dms_delivered=dms_in(),
            dms_s=dms_s,
            case_messages_at_dms=at_dms,
            case_messages=case_messages(),
            waited_s=waited,
            refused_429=refused,
        )
    finally:
        slack.rate_limit_per_channel(None)
