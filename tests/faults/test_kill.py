"""kill -9 at random points, Slack failing for a stretch, two replicas: count that nothing is lost.

Counted for every run (shown with `pytest -s`, and in every assertion message):
reports submitted, acked with a reference, refused or cut off before the ack (Slack would have
shown the person an error; they press Send again, as the test does), stored, announced in the
desk channel, duplicates. A report acked with a reference must be stored and announced exactly
once; so must every stored report, acked or not.
"""

from __future__ import annotations

import copy
import http.client
import json
import random
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import pytest
from sqlalchemy import select

from bot.report.modals import FormMetadata
from bot.standin import SlackRequestSender, SlackStandIn
from storage.db import make_engine
from storage.models import Case
from tests.conftest import postgres_server_url
from tests.harness import (
    DESK_CHANNEL,
    REPORTER_EN,
    REPORTER_JA,
    SIGNING_SECRET,
    AppProcess,
    base_env,
    free_port,
    report_values,
    temporary_postgres_database,
)

# Fault tests (kills, broken payloads, outages): `pytest -m faults` runs only these,
# `pytest -m 'not faults'` everything else; a plain `pytest` (and .ci/run) runs all.
pytestmark = pytest.mark.faults

REPORTERS = (REPORTER_JA, REPORTER_EN)


@dataclass
class Tally:
    submitted: int = 0
    acked: set[str] = field(default_factory=set)  # references the app answered with
    answers: dict[int, str] = field(default_factory=dict)  # person -> reference
    cut_off_first_try: int = 0  # no answer, a connection error or a 5xx on the first send
    resubmitted: int = 0
    never_acked: int = 0
    first_refusals: Counter[str] = field(default_factory=Counter)  # answers without a reference
    lock: threading.Lock = field(default_factory=threading.Lock)


def submission_bodies(sender: SlackRequestSender, form: dict[str, Any], n: int) -> list[str]:
    bodies = []
    for i in range(n):
        view = copy.deepcopy(form)
        view["id"] = f"VK{uuid.uuid4().hex[:10].upper()}"
        view["private_metadata"] = FormMetadata(uuid.uuid4().hex, "en").encode()
        values = report_values(narrative=f"Kill test report {i}")
        payload = sender.view_submission(view, values, REPORTERS[i % 2])
        bodies.append(urlencode({"payload": json.dumps(payload, ensure_ascii=False)}))
    return bodies


def reference_of(text: str) -> str | None:
    try:
        answer = json.loads(text)
        block = answer["view"]["blocks"][0]["text"]["text"]
    except (ValueError, KeyError, IndexError, TypeError):
        return None
    words = [w.strip("*.") for w in block.split() if w.strip("*.").startswith("CH-")]
    return words[0] if words else None


# Tries each person makes once the chaos is over (the app is up and ready by then): far more
# than a healthy app ever needs, so running out of them is a real failure, not bad luck.
TRIES_AFTER_CHAOS = 40


def submit_all(
    senders: list[SlackRequestSender],
    bodies: list[str],
    threads: int,
    tally: Tally,
    chaos_over: threading.Event | None = None,
) -> None:
    """Each body is one person's report; on no answer they press Send again (same view, so
    Slack sends the same payload), until acked. While the chaos lasts they keep trying (a kill
    may come at any moment, and a slow restart on a busy machine must not count against
    anyone); once it is over, each has `TRIES_AFTER_CHAOS` more tries."""
    over = chaos_over or threading.Event()
    if chaos_over is None:
        over.set()

    def person(index: int) -> None:
        attempt, tries_after_chaos = 0, 0
        while tries_after_chaos < TRIES_AFTER_CHAOS:
            if over.is_set():
                tries_after_chaos += 1
            sender = senders[(index + attempt) % len(senders)]
            try:
                answer = sender.send(bodies[index], "application/x-www-form-urlencoded")
                reference = reference_of(answer.text) if answer.status == 200 else None
                if reference is None and attempt == 0:
                    with tally.lock:
                        tally.first_refusals[f"{answer.status} {answer.text[:60]}"] += 1
            except (OSError, http.client.HTTPException):
                reference = None  # killed mid-answer, or before it
            if reference:
                with tally.lock:
                    tally.acked.add(reference)
                    tally.answers[index] = reference
                    tally.resubmitted += attempt > 0
                return
            if attempt == 0:
                with tally.lock:
                    tally.cut_off_first_try += 1
            attempt += 1
            time.sleep(0.2)
        with tally.lock:
            tally.never_acked += 1

    queue = iter(range(len(bodies)))
    lock = threading.Lock()

    def worker() -> None:
        while True:
            with lock:
                index = next(queue, None)
            if index is None:
                return
            person(index)

    tally.submitted = len(bodies)
    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()


def stored_references(url: str) -> list[str]:
    engine = make_engine(url)
    with engine.connect() as connection:
        references = list(connection.scalars(select(Case.reference)))
    engine.dispose()
    return references


def announced(slack: SlackStandIn) -> Counter[str]:
    counts: Counter[str] = Counter()
    for message in slack.messages(DESK_CHANNEL):
        for word in message.get("text", "").split():
            if word.strip("*.:").startswith("CH-"):
                counts[word.strip("*.:")] += 1
    return counts


def confirmed(slack: SlackStandIn) -> Counter[str]:
    counts: Counter[str] = Counter()
    for user in REPORTERS:
        for message in slack.dms(user):
            for word in message.get("text", "").split():
                if word.strip("*.:").startswith("CH-"):
                    counts[word.strip("*.:")] += 1
    return counts


def settle(slack: SlackStandIn, stored: list[str], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        desk, dms = announced(slack), confirmed(slack)
        if all(desk[r] and dms[r] for r in stored):
            break
        time.sleep(0.25)
    time.sleep(2)  # a duplicate would arrive now


def report_counts(label: str, tally: Tally, url: str, slack: SlackStandIn) -> dict[str, Any]:
    stored = stored_references(url)
    settle(slack, stored)
    desk, dms = announced(slack), confirmed(slack)
    counts = {
        "run": label,
        "submitted": tally.submitted,
        "acked_with_reference": len(tally.acked),
        "cut_off_before_ack_first_try": tally.cut_off_first_try,
        "acked_after_pressing_send_again": tally.resubmitted,
        "never_acked": tally.never_acked,
        "stored": len(stored),
        "stored_twice": len(stored) - len(set(stored)),
        "announced_in_desk": sum(1 for r in set(stored) if desk[r]),
        "reporter_dms": sum(1 for r in set(stored) if dms[r]),
        "duplicate_desk_messages": sum(n - 1 for n in desk.values() if n > 1),
        "duplicate_dms": sum(n - 1 for n in dms.values() if n > 1),
        "acked_but_not_stored": len(tally.acked - set(stored)),
        "people_given_anothers_reference": len(tally.answers) - len(set(tally.answers.values())),
        "first_try_answers_without_reference": dict(tally.first_refusals),
    }
    print(f"\nfault counts: {counts}")
    return counts


def assert_nothing_lost(counts: dict[str, Any]) -> None:
    assert counts["acked_but_not_stored"] == 0, counts
    assert counts["stored_twice"] == 0, counts
    assert counts["announced_in_desk"] == counts["stored"], counts
    assert counts["reporter_dms"] == counts["stored"], counts
    assert counts["duplicate_desk_messages"] == 0, counts
    assert counts["duplicate_dms"] == 0, counts
    assert counts["acked_with_reference"] == counts["stored"], counts


@contextmanager
def postgres() -> Iterator[str]:
    server = postgres_server_url()
    assert server
    with temporary_postgres_database(server) as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def any_database(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'desk.db'}"
        return
    with postgres() as url:
        yield url


def open_form(slack: SlackStandIn, sender: SlackRequestSender) -> dict[str, Any]:
    sender.command("/harassment", user_id=REPORTER_EN)
    return dict(slack.wait_for(lambda: slack.calls_to("views.open"))[-1].response["view"])


MAX_KILLS = 8


def killer(
    process: AppProcess,
    total: int,
    tally: Tally,
    done: threading.Event,
    over: threading.Event,
    kills: list[float],
    rng: random.Random,
) -> Callable[[], None]:
    """Kill -9 the app a few times, paced by what the app did, never by the clock: each kill
    comes after the restarted app answered /readyz (`AppProcess.start` waits for it) and then
    acked a random number (5 to 25) of new reports, so requests are in flight whatever the
    machine's load. `over` is set once the last restart is ready."""

    def acked() -> int:
        with tally.lock:
            return len(tally.acked)

    def run() -> None:
        try:
            while len(kills) < MAX_KILLS and not done.is_set():
                target = acked() + rng.randint(5, 25)
                if target >= total:
                    return  # too few reports left to wait for: the rest go through unharmed
                while acked() < target and not done.is_set():
                    time.sleep(0.01)
                if done.is_set():
                    return
                process.kill()
                kills.append(time.monotonic())
                process.start()
        finally:
            over.set()

    return run


def test_kill_9_while_200_reports_are_submitted_loses_none(any_database: str) -> None:
    rng = random.Random(6)
    with SlackStandIn(trigger_ttl=600) as slack:
        from tests.harness import populate_workspace

        populate_workspace(slack)
        env = base_env(slack, any_database, OUTBOX_LEASE="2s")
        process = AppProcess(env, free_port()).start()
        sender = SlackRequestSender(process.url, SIGNING_SECRET, standin=slack, timeout=5)
        try:
            bodies = submission_bodies(sender, open_form(slack, sender), 200)
            done, over, kills = threading.Event(), threading.Event(), list[float]()
            tally = Tally()
            chaos = threading.Thread(
                target=killer(process, len(bodies), tally, done, over, kills, rng)
            )
            chaos.start()
            submit_all([sender], bodies, threads=6, tally=tally, chaos_over=over)
            done.set()
            chaos.join()
            counts = report_counts(f"kill -9 x{len(kills)}", tally, any_database, slack)
        finally:
            sender.close()
            process.stop()
    assert len(kills) >= 3, counts
    assert_nothing_lost(counts)
    assert counts["people_given_anothers_reference"] == 0, counts
    assert counts["stored"] == 200, counts


def test_slack_answering_500_then_429_for_a_stretch_loses_none(sqlite_url: str) -> None:
    with SlackStandIn(trigger_ttl=600) as slack:
        from tests.harness import populate_workspace

        populate_workspace(slack)
        process = AppProcess(base_env(slack, sqlite_url), free_port()).start()
        sender = SlackRequestSender(process.url, SIGNING_SECRET, standin=slack)
        try:
            bodies = submission_bodies(sender, open_form(slack, sender), 40)
            tally = Tally()
            slack.fail(None, status=500, times=None)
            submit_all([sender], bodies[:20], threads=4, tally=tally)
            time.sleep(1.5)
            slack.clear_faults()
            slack.fail(None, error="ratelimited", retry_after=1, times=None)
            submit_all([sender], bodies[20:], threads=4, tally=tally)
            time.sleep(1.5)
            slack.clear_faults()
            tally.submitted = 40
            statuses = Counter(c.status for c in slack.calls_to("chat.postMessage"))
            counts = report_counts("Slack 500 then 429", tally, sqlite_url, slack)
            counts["slack_answers"] = dict(statuses)
            print(f"Slack's answers to chat.postMessage: {dict(statuses)}")
        finally:
            sender.close()
            process.stop()
    assert statuses[500] > 0 and statuses[429] > 0, counts
    # Storing a report does not need Slack: every first try is acked with a reference.
    assert counts["first_try_answers_without_reference"] == {}, counts
    assert_nothing_lost(counts)
    assert counts["stored"] == 40, counts


def test_two_replicas_on_postgresql_announce_each_report_once() -> None:
    with postgres() as url, SlackStandIn(trigger_ttl=600) as slack:
        from tests.harness import populate_workspace

        populate_workspace(slack)
        env = base_env(slack, url)
        first = AppProcess(env, free_port()).start()
        second = AppProcess(env, free_port()).start()
        senders = [
            SlackRequestSender(p.url, SIGNING_SECRET, standin=slack) for p in (first, second)
        ]
        try:
            bodies = submission_bodies(senders[0], open_form(slack, senders[0]), 60)
            tally = Tally()
            # Half the people press Send twice, once at each replica (a double click that
            # Slack's load balancer spread), so both replicas race for the same submission.
            submit_all(senders, bodies + bodies[::2], threads=8, tally=tally)
            tally.submitted = 60
            counts = report_counts("two replicas", tally, url, slack)
        finally:
            for sender in senders:
                sender.close()
            first.stop()
            second.stop()
    assert_nothing_lost(counts)
    assert counts["stored"] == 60, counts
