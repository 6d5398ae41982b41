"""Where deliveries run: on PostgreSQL `run` starts a worker process beside the web process
(and it dies with it), on SQLite it delivers in its own process; a deployment can run
`run --no-worker` and `harassment-desk worker` separately on either."""

from __future__ import annotations

import subprocess
import sys

import psutil

from bot.standin import SlackRequestSender, SlackStandIn
from tests.conftest import postgres_server_url
from tests.harness import (
    DESK_CHANNEL,
    PROJECT_ROOT,
    REPORTER_EN,
    SIGNING_SECRET,
    AppProcess,
    base_env,
    free_port,
    report_values,
    temporary_postgres_database,
)


def submit_report(slack: SlackStandIn, sender: SlackRequestSender) -> None:
    """Open the form and send it; the reporter is shown the stored report."""
    sender.command("/harassment", user_id=REPORTER_EN)
    view = slack.wait_for(lambda: slack.calls_to("views.open"))[-1].response["view"]
    answer = sender.interaction(sender.view_submission(view, report_values(), REPORTER_EN))
    assert answer.json()["response_action"] == "update"


def workers_of(process: AppProcess) -> list[psutil.Process]:
    assert process.process is not None
    children = psutil.Process(process.process.pid).children(recursive=True)
    return [child for child in children if "worker" in child.cmdline()]


def test_run_on_postgresql_delivers_from_a_worker_process_that_dies_with_it(
    slack: SlackStandIn,
) -> None:
    server = postgres_server_url()
    assert server
    with temporary_postgres_database(server) as url:
        process = AppProcess(base_env(slack, url), free_port()).start()
        sender = SlackRequestSender(process.url, SIGNING_SECRET, standin=slack)
        try:
            workers = slack.wait_for(lambda: workers_of(process), timeout=20)
            assert len(workers) == 1
            submit_report(slack, sender)
            slack.wait_for(lambda: slack.messages(DESK_CHANNEL), timeout=20)
            slack.wait_for(lambda: slack.dms(REPORTER_EN), timeout=20)
            process.kill()  # kill -9: no chance to stop the worker itself
            _gone, alive = psutil.wait_procs(workers, timeout=20)
            assert alive == []
        finally:
            sender.close()
            process.stop()


def test_run_on_sqlite_delivers_in_its_own_process(slack: SlackStandIn, sqlite_url: str) -> None:
    """One writer at a time: requests queue ahead of deliveries only inside one process."""
    process = AppProcess(base_env(slack, sqlite_url), free_port()).start()
    sender = SlackRequestSender(process.url, SIGNING_SECRET, standin=slack)
    try:
        submit_report(slack, sender)
        slack.wait_for(lambda: slack.messages(DESK_CHANNEL), timeout=20)
        slack.wait_for(lambda: slack.dms(REPORTER_EN), timeout=20)
        assert workers_of(process) == []
    finally:
        sender.close()
        process.stop()


def test_web_and_worker_can_run_as_separate_processes(
    slack: SlackStandIn, database_url: str
) -> None:
    env = base_env(slack, database_url)
    web = AppProcess(
        env, free_port(), [sys.executable, "-m", "bot", "run", "--http", "--no-worker"]
    ).start()
    sender = SlackRequestSender(web.url, SIGNING_SECRET, standin=slack)
    worker = None
    try:
        assert workers_of(web) == []
        submit_report(slack, sender)  # stored and acked with no worker running
        worker = subprocess.Popen(
            [sys.executable, "-m", "bot", "worker", "--no-migrate"],
            env=web.env,
            cwd=PROJECT_ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        slack.wait_for(lambda: slack.messages(DESK_CHANNEL), timeout=20)
        slack.wait_for(lambda: slack.dms(REPORTER_EN), timeout=20)
        assert len(slack.messages(DESK_CHANNEL)) == 1
    finally:
        sender.close()
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=20)
        web.stop()
