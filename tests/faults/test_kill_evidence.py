"""kill -9 while Slack holds the answer to files.completeUploadExternal: the copy Slack shared
is found by the restarted app, not posted a second time, and its id is kept for the purge."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from bot.standin import SlackRequestSender, SlackStandIn
from storage.db import make_engine
from storage.models import EvidenceFile
from storage.repositories import conversation as conversation_repo
from tests.evidence_files import jpeg_with_gps
from tests.faults.test_kill import open_form, postgres
from tests.harness import (
    DESK_CHANNEL,
    REPORTER_EN,
    SIGNING_SECRET,
    AppProcess,
    base_env,
    free_port,
    populate_workspace,
    report_values,
)

pytestmark = pytest.mark.faults

HELD_S = 8.0  # long enough to kill the app while it waits; the stand-in thread then answers


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'desk.db'}"
        return
    with postgres() as url:
        yield url


def evidence_rows(url: str) -> list[EvidenceFile]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return list(connection.execute(select(EvidenceFile)).all())  # type: ignore[arg-type]
    finally:
        engine.dispose()


def purge_files(url: str, case_id: int) -> list[str]:
    from tests.harness import keyed_sessions

    engine = make_engine(url)
    try:
        with keyed_sessions(engine)() as session:
            return list(conversation_repo.slack_objects_for_purge(session, case_id)["files"])
    finally:
        engine.dispose()


def visible_bot_files(slack: SlackStandIn) -> list[dict[str, Any]]:
    return [f for f in slack.bot_files() if not f.get("_deleted")]


def test_kill_9_while_slack_holds_the_upload_answer_leaves_one_recorded_copy(
    database: str,
) -> None:
    with SlackStandIn() as slack:
        populate_workspace(slack)
        env = base_env(slack, database, OUTBOX_LEASE="2s")
        process = AppProcess(env, free_port()).start()
        sender = SlackRequestSender(process.url, SIGNING_SECRET, standin=slack, timeout=5)
        try:
            photo = slack.add_file(REPORTER_EN, "scene.jpg", jpeg_with_gps(), mimetype="image/jpeg")
            slack.delay_answers("files.completeUploadExternal", HELD_S)
            view = open_form(slack, sender)
            payload = sender.view_submission(view, report_values(evidence=[photo]), REPORTER_EN)
            assert sender.interaction(payload).status == 200
            # Slack has shared the copy and holds its answer: the app dies waiting for it.
            slack.wait_for(lambda: "files.completeUploadExternal" in slack.early_answers, 60)
            process.kill()
            slack.delay_answers("files.completeUploadExternal", 0)
            process.start()

            def copied() -> list[Any] | None:
                rows = evidence_rows(database)
                return rows if rows and rows[0].status == "copied" else None

            [row] = slack.wait_for(copied, timeout=90)
        finally:
            process.kill()
        copies = visible_bot_files(slack)
        in_thread = [
            f
            for m in slack.channels[DESK_CHANNEL].by_ts.values()
            for f in m.get("files", [])
            if f.get("mode") != "tombstone"
        ]
        print(f"after kill -9: {len(copies)} copy, {len(in_thread)} in the desk channel")
        assert len(copies) == 1 and len(in_thread) == 1
        assert row.copy_file_id == copies[0]["id"] == in_thread[0]["id"]
        assert purge_files(database, row.case_id) == [copies[0]["id"]]
        # The restarted app looked the upload up instead of starting another.
        assert len(slack.calls_to("files.getUploadURLExternal")) == 1
