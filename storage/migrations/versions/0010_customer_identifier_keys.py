"""customer identifiers re-derived from their text: one row per name, phone, e-mail or number

The register used to keep each line of the identifiers field as one identifier, so
`山田 太郎 090-1234-5678` was one key (`山田太郎09012345678`) that neither the name nor the phone of
a later report equals. Each stored identifier is now taken apart as a new one is: its phone numbers,
e-mail addresses and membership or order numbers, and the name left over, each a row of its own
with its own key (`山田太郎`, `09012345678`); `会員番号 A-12345` keeps `A-12345` as a number, and a
courtesy title after a name (様, さん, 殿, 御中) is no part of its key. Rows whose key is unchanged
are left alone; a key the record already has is not added twice.

Revision ID: 0010_customer_identifier_keys
Revises: 0009_desk_message_digest
Create Date: 2026-12-07 22:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_customer_identifier_keys"
down_revision: str | None = "0009_desk_message_digest"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

identifiers = sa.table(
    "customer_identifiers",
    sa.column("id", sa.Integer),
    sa.column("customer_id", sa.Integer),
    sa.column("text", sa.String),
    sa.column("kind", sa.String),
    sa.column("normalized", sa.String),
    sa.column("created_at", sa.DateTime),
)


def upgrade() -> None:
    # The keys must be the ones the running register derives, or stored and new keys would
    # differ again: the data step uses its extraction (a pure module) rather than a copy of it.
    from bot.customers.identifiers import extract_identifiers

    bind = op.get_bind()
    rows = bind.execute(
        sa.select(
            identifiers.c.id,
            identifiers.c.customer_id,
            identifiers.c.text,
            identifiers.c.kind,
            identifiers.c.normalized,
            identifiers.c.created_at,
        ).order_by(identifiers.c.customer_id, identifiers.c.id)
    ).all()
    kept: dict[int, set[str]] = {}  # per record: the keys of rows that stay as they are
    changed = []
    for row in rows:
        derived = extract_identifiers(row.text)
        if not derived or [(d.kind, d.normalized) for d in derived] == [(row.kind, row.normalized)]:
            kept.setdefault(row.customer_id, set()).add(row.normalized)
        else:
            changed.append((row, derived))
    ids = [row.id for row, _ in changed]
    for start in range(0, len(ids), 500):
        bind.execute(sa.delete(identifiers).where(identifiers.c.id.in_(ids[start : start + 500])))
    for row, derived in changed:
        held = kept.setdefault(row.customer_id, set())
        for identifier in derived:
            if identifier.normalized in held:
                continue
            held.add(identifier.normalized)
            bind.execute(
                sa.insert(identifiers).values(
                    customer_id=row.customer_id,
                    text=identifier.text,
                    kind=identifier.kind,
                    normalized=identifier.normalized,
                    created_at=row.created_at,
                )
            )


def downgrade() -> None:
    # Nothing to undo in the schema; the split rows stay valid identifiers for the older code,
    # which matches them by the same columns.
    pass
