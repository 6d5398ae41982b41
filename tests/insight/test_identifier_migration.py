"""Migration 0010 re-derives the register's stored identifiers with today's extraction, on both
databases: a name and a phone stored as one key become two, labels and courtesy titles leave the
keys, and rows whose key holds stay as they are."""

from __future__ import annotations

from datetime import UTC, datetime

from alembic import command
from sqlalchemy import Connection, text

from bot.customers.identifiers import extract_identifiers
from storage.db import alembic_config, make_engine
from storage.repositories import customers as repo
from tests.harness import keyed_sessions, test_kek

BEFORE = "0009_desk_message_digest"
REVISION = "0010_customer_identifier_keys"
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)

# (customer, text, kind, key) as the register stored them before: one key per line as written.
OLD_ROWS = [
    (1, "山田 太郎 090-1234-5678", "text", "山田太郎09012345678"),
    (1, "090-1234-5678", "phone", "09012345678"),
    (1, "会員番号 A-12345", "text", "会員番号a12345"),
    (1, "山田太郎様", "text", "山田太郎様"),
    (2, "ﾔﾏﾀﾞ ﾀﾛｳ", "text", "ヤマダタロウ"),
    (2, "taro@example.com", "email", "taro@examplecom"),
    (2, "+81 3-1234-5678", "phone", "0312345678"),
]


def rows(connection: Connection) -> list[tuple[int, str, str, str]]:
    result = connection.execute(
        text("SELECT customer_id, kind, normalized, text FROM customer_identifiers ORDER BY id")
    )
    return [(row[0], row[1], row[2], row[3]) for row in result]


def test_stored_identifiers_are_taken_apart_as_new_ones_are(database_url: str) -> None:
    engine = make_engine(database_url)
    config = alembic_config(engine)
    try:
        command.upgrade(config, BEFORE)
        with engine.begin() as connection:
            for number in (1, 2):
                connection.execute(
                    text(
                        "INSERT INTO customers (id, display_name, created_by, created_at,"
                        " updated_at) VALUES (:id, :name, 'UDESK00001', :now, :now)"
                    ),
                    {"id": number, "name": f"No. {number}", "now": NOW},
                )
            for customer_id, written, kind, key in OLD_ROWS:
                connection.execute(
                    text(
                        "INSERT INTO customer_identifiers (customer_id, text, kind, normalized,"
                        " created_at) VALUES (:customer, :text, :kind, :key, :now)"
                    ),
                    {
                        "customer": customer_id,
                        "text": written,
                        "kind": kind,
                        "key": key,
                        "now": NOW,
                    },
                )
        with engine.connect() as connection:
            unchanged_ids = connection.execute(
                text("SELECT id FROM customer_identifiers WHERE customer_id = 2 ORDER BY id")
            ).all()

        command.upgrade(config, REVISION)

        with engine.connect() as connection:
            after = rows(connection)
            assert (
                connection.execute(
                    text("SELECT id FROM customer_identifiers WHERE customer_id = 2 ORDER BY id")
                ).all()
                == unchanged_ids
            )
        assert sorted(after) == sorted(
            [
                (1, "phone", "09012345678", "090-1234-5678"),
                (1, "text", "山田太郎", "山田 太郎"),
                (1, "number", "a12345", "A-12345"),
                (2, "text", "ヤマダタロウ", "ﾔﾏﾀﾞ ﾀﾛｳ"),
                (2, "email", "taro@examplecom", "taro@example.com"),
                (2, "phone", "0312345678", "+81 3-1234-5678"),
            ]
        )
        # Down again: the schema is unchanged, and the rows stay readable by the older code.
        command.downgrade(config, BEFORE)
        with engine.connect() as connection:
            assert sorted(rows(connection)) == sorted(after)

        # Up to the newest schema (which seals them): the later report of the same customer
        # meets the stored keys, name and phone both, through the blind index.
        command.upgrade(alembic_config(engine, test_kek()), "head")
        sessions = keyed_sessions(engine)
        keys = [i.normalized for i in extract_identifiers("山田太郎 ０９０１２３４５６７８")]
        with sessions() as session:
            matched = repo.match_keys(session, keys)
        assert [(c.id, sorted(kinds)) for c, kinds in matched] == [(1, ["phone", "text"])]
    finally:
        engine.dispose()
