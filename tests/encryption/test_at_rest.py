"""Case text at rest: what a stolen database file, its -wal or a dump shows (nothing), what the
app reads back (everything), and what a ciphertext moved to another case does (not open)."""

from __future__ import annotations

import logging
import shutil
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.engine import make_url

from bot.customers.service import CustomerService
from bot.desk import ids as desk_ids
from bot.retention.service import purge
from storage.db import make_engine
from storage.models import (
    Case,
    CaseCare,
    CaseEvent,
    CaseExclusion,
    CaseFacts,
    CaseMessage,
    CooperationRequest,
    Customer,
    PreventionAction,
    SurveyAnswer,
)
from tests.conversation_support import message_reporter, wait_thread_text
from tests.desk_support import case_message, load, open_modal, report, submit, text_of, wait_thread
from tests.encryption.support import found, on_disk, wait_delivered
from tests.harness import DESK_STAFF, REPORTER_JA, AppHarness, keyed_sessions
from tests.platform.test_retention import age_case

STAFF = DESK_STAFF[0]
UNREADABLE_JA = "この記録は読み取れません"


def note(app: AppHarness, case: Case, words: str) -> None:
    view = open_modal(app, case, desk_ids.NOTE_ACTION, STAFF)
    submit(app, view, {desk_ids.NOTE_BLOCK: words}, STAFF)
    wait_thread(app, case, lambda texts: any(words in t for t in texts))


def test_no_marker_reaches_the_disk_and_everything_reads_back(app: AppHarness) -> None:
    markers = {
        "narrative": "MKnarrative7f3a",
        "witnesses": "MKwitness9c1d",
        "location": "MKlocation4b2e",
        "customer_text": "MKcusttext5d6f",
        "note": "MKdesknote2a8c",
        "message_in": "MKreporterdm8e4b",
        "message_out": "MKdeskreply6c3a",
        "customer": "MKcustomer1f9e",
    }
    case = report(
        app,
        narrative=f"怒鳴られました {markers['narrative']}",
        witnesses=markers["witnesses"],
        location=markers["location"],
        customer_text=markers["customer_text"],
    )
    note(app, case, markers["note"])
    app.sender.send_dm(REPORTER_JA, markers["message_in"])
    wait_thread_text(app, case, markers["message_in"])
    message_reporter(app, case, STAFF, markers["message_out"])
    service = app.deps.service(CustomerService)
    service.create_and_link(
        STAFF, case.id, display_name=markers["customer"], identifiers_text="090-7777-1234"
    )
    wait_delivered(app)

    everything = [*markers.values(), "7777-1234", "09077771234"]
    assert found(everything, on_disk(app.database_url)) == []

    stored = load(app, case.id)
    assert markers["narrative"] in stored.narrative
    assert (stored.witnesses, stored.location, stored.customer_text) == (
        markers["witnesses"],
        markers["location"],
        markers["customer_text"],
    )
    with app.deps.sessions() as session:
        events = session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id))
        assert markers["note"] in [event.note for event in events]
        texts = [message.text for message in session.scalars(select(CaseMessage))]
        assert markers["message_in"] in texts and markers["message_out"] in texts
    # The register finds the record by its phone number (the blind index) and shows its name.
    summaries = service.find(STAFF, "090-7777-1234")
    assert not isinstance(summaries, str)
    assert [s.display_name for s in summaries] == [markers["customer"]]


def test_a_ciphertext_moved_to_another_case_does_not_open(
    app: AppHarness, caplog: pytest.LogCaptureFixture
) -> None:
    first = report(app, narrative="MKfirstcase3b7d")
    second = report(app, narrative="MKsecondcase8a2f")
    with app.deps.sessions.begin() as session:
        session.execute(
            text("UPDATE cases SET narrative = (SELECT narrative FROM cases WHERE id = :a) "
                 "WHERE id = :b"),
            {"a": first.id, "b": second.id},
        )  # fmt: skip
    caplog.set_level(logging.WARNING, logger="harassment_desk.encryption")

    assert load(app, second.id).narrative == f"({UNREADABLE_JA})"
    assert "MKfirstcase3b7d" in load(app, first.id).narrative
    logged = " ".join(record.getMessage() for record in caplog.records)
    assert f"cases.narrative of case {second.id} cannot be read" in logged
    assert "MKfirstcase3b7d" not in logged

    # The desk still works on that case, and its message says the text cannot be read.
    note(app, second, "still handled")
    app.slack.wait_for(lambda: UNREADABLE_JA in text_of(case_message(app, second)), timeout=15)
    assert "MKfirstcase3b7d" in text_of(case_message(app, first))


def test_a_damaged_ciphertext_is_shown_as_unreadable(app: AppHarness) -> None:
    case = report(app, narrative="MKdamaged5e1c")
    with app.deps.sessions.begin() as session:
        sealed = session.execute(
            text("SELECT narrative FROM cases WHERE id = :id"), {"id": case.id}
        ).scalar_one()
        damaged = sealed[:-6] + ("A" if sealed[-6] != "A" else "B") + sealed[-5:]
        session.execute(
            text("UPDATE cases SET narrative = :n WHERE id = :id"), {"n": damaged, "id": case.id}
        )
    assert load(app, case.id).narrative == f"({UNREADABLE_JA})"


def _copy_sqlite(source: Path, target: Path) -> None:
    """A consistent copy of the database file alone (what a backup of it holds)."""
    with sqlite3.connect(source) as live, sqlite3.connect(target) as copy:
        live.backup(copy)


def test_a_copy_made_before_the_purge_no_longer_opens_the_purged_case(
    slack: object, sqlite_url: str, tmp_path: Path
) -> None:
    from tests.harness import AppHarness as Harness

    with Harness(slack, sqlite_url) as app:  # type: ignore[arg-type]
        gone = report(app, narrative="MKpurged4d8a")
        kept = report(app, narrative="MKkept7b3e")
        wait_delivered(app)
        database = Path(str(make_url(sqlite_url).database))
        backup = tmp_path / "backup.db"
        _copy_sqlite(database, backup)
        now = datetime.now(UTC)
        age_case(app, gone.id, now - timedelta(days=40))
        assert purge(app.deps.sessions, None, now=now, retention=timedelta(days=30)).cases == 1

    # The operator restores last night's backup of the database; the keys' file is today's.
    restored = tmp_path / "restored.db"
    shutil.copyfile(backup, restored)
    _copy_sqlite(database.with_name(database.name + ".keys"), tmp_path / "restored.db.keys")
    engine = make_engine(f"sqlite:///{restored}")
    try:
        with keyed_sessions(engine)() as session:
            cases = {case.id: case.narrative for case in session.scalars(select(Case))}
    finally:
        engine.dispose()
    assert cases[gone.id] == f"({UNREADABLE_JA})"
    assert "MKkept7b3e" in cases[kept.id]


def test_customer_names_are_sealed_per_record(app: AppHarness) -> None:
    case = report(app)
    service = app.deps.service(CustomerService)
    service.create_and_link(STAFF, case.id, display_name="MKname2c4e", identifiers_text="")
    with app.deps.sessions() as session:
        raw = session.execute(text("SELECT display_name FROM customers")).scalar_one()
        assert raw.startswith("hd1:") and "MKname2c4e" not in raw
        assert session.scalars(select(Customer)).one().display_name == "MKname2c4e"


def test_the_handling_records_and_exclusions_are_sealed_with_the_case(app: AppHarness) -> None:
    """The handling's free texts and the members a reporter named are sealed like the report:
    nothing on disk, all of it read back (rows written as the features write them: the ORM)."""
    case = report(app, narrative="MKhandlingcase4e1a")
    markers = {
        "facts": "MKfactsnote1c2d",
        "care": "MKcarenote3e4f",
        "prevention": "MKprevention5a6b",
        "survey": "MKsurveycomment7c8d",
        "company": "MKcompany9e0f",
        "asked": "MKasked2b3c",
        "answered": "MKanswered4d5e",
        "excluded": "U0MKEXCL6f7a",
    }
    now = app.deps.clock.now()
    with app.deps.sessions.begin() as session:
        session.add_all(
            [
                CaseFacts(case_id=case.id, confirmed=[], methods=[], with_whom=[],
                          notes=markers["facts"], recorded_by=STAFF, recorded_at=now),
                CaseCare(case_id=case.id, offered=[], accepted=[], notes=markers["care"],
                         recorded_by=STAFF, recorded_at=now),
                PreventionAction(case_id=case.id, text=markers["prevention"],
                                 owner_user_id=STAFF, due_at=now + timedelta(days=7),
                                 created_by=STAFF, created_at=now),
                SurveyAnswer(case_id=case.id, supported=4, consult_again=5,
                             comment=markers["survey"], answered_at=now),
                CooperationRequest(case_id=case.id, direction="made", company=markers["company"],
                                   requested_on=now.date(), asked=markers["asked"],
                                   answered=markers["answered"], recorded_by=STAFF,
                                   recorded_at=now),
                CaseExclusion(case_id=case.id, user_id=markers["excluded"]),
            ]
        )  # fmt: skip
    wait_delivered(app)

    assert found(list(markers.values()), on_disk(app.database_url)) == []
    with app.deps.sessions() as session:
        read = [
            session.scalars(select(CaseFacts)).one().notes,
            session.scalars(select(CaseCare)).one().notes,
            session.scalars(select(PreventionAction)).one().text,
            session.scalars(select(SurveyAnswer)).one().comment,
            *(
                (r.company, r.asked, r.answered)
                for r in session.scalars(select(CooperationRequest))
            ),
            session.scalars(select(CaseExclusion)).one().user_id,
        ]
    flat = [value for item in read for value in (item if isinstance(item, tuple) else (item,))]
    assert flat == list(markers.values())
