"""A database from before encryption (revision 0009, with cases, notes, a conversation, evidence,
a customer): the upgrade seals every text, leaves no clear text on disk, and the app reads it."""

from __future__ import annotations

from datetime import UTC, datetime

from alembic import command
from sqlalchemy import insert, select, text

from bot.standin import SlackStandIn
from storage.db import alembic_config, make_engine, migrate
from storage.models import Case, CaseEvent, CaseMessage, Customer, EvidenceFile, OutboxMessage
from storage.repositories import customers as customers_repo
from tests.encryption.support import found, on_disk
from tests.harness import keyed_sessions, test_kek
from tests.insight.support import case_row

NOW = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)
MARKERS = [
    "MKoldnarrative1a",
    "MKoldwitness2b",
    "MKoldnote3c",
    "MKoldmessage4d",
    "MKoldfile5e",
    "MKoldcustomer6f",
    "MKoldident7a",
    "MKoldpayload8b",
]


def seed_0009(url: str) -> None:
    engine = make_engine(url)
    try:
        command.upgrade(alembic_config(engine), "0009_desk_message_digest")
        with engine.begin() as connection:
            for n in range(3):  # a few cases, so batches and several keys are exercised
                row = case_row(NOW, narrative=f"{MARKERS[0]} {n}", witnesses=MARKERS[1])
                connection.execute(insert(Case).values(**row))
            params = {"now": NOW}
            for statement in (
                "INSERT INTO case_events (case_id, actor_user_id, action, note, after, created_at)"
                f" VALUES (1, 'USTAFF0001', 'note', '{MARKERS[2]}', '{{\"x\": 1}}', :now)",
                "INSERT INTO case_messages (case_id, reporter_user_id, direction, author_kind,"
                " kind, signed, text, files, revision, created_at) VALUES (1, 'UREPORTER1', 'in',"
                f" 'reporter', 'message', false, '{MARKERS[3]}', '[]', 0, :now)",
                "INSERT INTO evidence_files (case_id, source_file_id, name, mimetype, size,"
                f" status, metadata_stripped, created_at) VALUES (1, 'F1', '{MARKERS[4]}.jpg',"
                " 'image/jpeg', 10, 'copied', false, :now)",
                "INSERT INTO customers (display_name, created_by, created_at, updated_at)"
                f" VALUES ('{MARKERS[5]}', 'USTAFF0001', :now, :now)",
                "INSERT INTO customer_identifiers (customer_id, text, kind, normalized,"
                f" created_at) VALUES (1, '{MARKERS[6]}', 'text', '{MARKERS[6].lower()}', :now)",
                "INSERT INTO outbox (dedupe_key, kind, case_id, payload, status, attempts,"
                " next_attempt_at, created_at) VALUES ('k1', 'conversation.dm_notice', 1,"
                f' \'{{"refused": [{{"name": "{MARKERS[7]}"}}]}}\', \'done\', 1, :now, :now)',
            ):
                connection.execute(text(statement), params)
    finally:
        engine.dispose()


def test_the_upgrade_seals_what_was_stored_in_clear(slack: SlackStandIn, database_url: str) -> None:
    seed_0009(database_url)
    assert found(MARKERS, on_disk(database_url)) != []  # there was clear text to seal

    engine = make_engine(database_url)
    try:
        migrate(engine, test_kek())
        assert found(MARKERS, on_disk(database_url)) == []
        with keyed_sessions(engine)() as session:
            narratives = sorted(case.narrative for case in session.scalars(select(Case)))
            assert narratives == [f"{MARKERS[0]} {n}" for n in range(3)]
            assert session.get(Case, 1).witnesses == MARKERS[1]  # type: ignore[union-attr]
            assert [e.note for e in session.scalars(select(CaseEvent))] == [MARKERS[2]]
            assert [m.text for m in session.scalars(select(CaseMessage))] == [MARKERS[3]]
            assert [f.name for f in session.scalars(select(EvidenceFile))] == [f"{MARKERS[4]}.jpg"]
            assert [c.display_name for c in session.scalars(select(Customer))] == [MARKERS[5]]
            [payload] = [o.payload for o in session.scalars(select(OutboxMessage))]
            assert payload == {"refused": [{"name": MARKERS[7]}]}
            matched = customers_repo.match_keys(session, [MARKERS[6].lower()])
            assert [customer.id for customer, _ in matched] == [1]
    finally:
        engine.dispose()
