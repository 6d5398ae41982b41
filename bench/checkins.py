"""Deliver N due check-ins through a stand-in that rate-limits each channel as Slack does."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench import procs
from bench.data import database, seed_cases, seed_checkins, seed_profiles
from bot.standin import SlackStandIn
from storage.db import make_engine, migrate
from tests.harness import base_env, free_port, populate_workspace


@dataclass(frozen=True)
class CheckinRun:
    due: int
    delivered: int
    seconds: float
    duplicates: int
    rate_limited: int


def dm_posts(slack: SlackStandIn) -> list[dict[str, Any]]:
    return [
        call.response["message"]
        for call in slack.calls_to("chat.postMessage")
        if call.status == 200 and call.response.get("ok") and call.response["channel"][:1] == "D"
    ]


def duplicates_in(posts: list[dict[str, Any]]) -> int:
    """Posts beyond the first for the same outbox row (the id travels in the message metadata;
    posts without one, such as the bare Bolt app's, are not ours)."""
    ids = Counter(
        str(outbox_id)
        for post in posts
        if (outbox_id := (post.get("metadata") or {}).get("event_payload", {}).get("outbox_id"))
        is not None
    )
    return sum(count - 1 for count in ids.values())


def deliver_checkins(
    server_url: str | None, folder: Path, count: int, people: int, timeout: float = 600
) -> CheckinRun:
    """`count` check-ins due now for `people` reporters (so each DM channel gets several and the
    per-channel limit of one message a second answers 429); seconds from the app being ready
    to the last check-in DM."""
    now = datetime.now(UTC)
    users = [f"UC{i % people:08d}" for i in range(count)]
    with SlackStandIn() as slack, database(server_url, folder, "checkins") as url:
        populate_workspace(slack)
        for user in sorted(set(users)):
            slack.add_user(user, user.lower(), tz="Asia/Tokyo", locale="ja-JP")
        slack.rate_limit_per_channel(1, 1.0)
        engine = make_engine(url)
        migrate(engine)
        case_ids = seed_cases(engine, users, now)
        seed_profiles(engine, sorted(set(users)), now)
        seed_checkins(engine, case_ids, users, [now - timedelta(minutes=5)] * count)
        engine.dispose()
        app = procs.ours(base_env(slack, url), free_port())
        app.start()
        ready = time.perf_counter()
        try:
            delivered = 0
            while time.perf_counter() - ready < timeout:
                delivered = len(dm_posts(slack))
                if delivered >= count:
                    break
                time.sleep(0.5)
            seconds = time.perf_counter() - ready
            time.sleep(2)  # anything sent twice would show up now
            posts = dm_posts(slack)
        finally:
            app.stop()
        limited = sum(1 for call in slack.calls_to("chat.postMessage") if call.status == 429)
        return CheckinRun(
            due=count,
            delivered=len(posts),
            seconds=seconds,
            duplicates=duplicates_in(posts) + max(0, len(posts) - count),
            rate_limited=limited,
        )
