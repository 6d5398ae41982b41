"""Stored cases for the insight tests and bench: synthetic, with locations and customers."""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, insert, select
from sqlalchemy.orm import Session

from bot.clock import FrozenClock
from bot.guidance import CATEGORY_KEYS
from bot.report.fields import CONTACT_CHANNELS, CUSTOMER_TYPES
from storage.db import SessionFactory, make_engine, migrate
from storage.models import Case, CaseStatus, CheckIn, CheckInStatus
from tests.harness import keyed_sessions

DESK = "C0DESK0001"
LOCATIONS = ("渋谷店", "新宿店", "コールセンター", "Osaka office")
OUTCOMES = ("warning_issued", "service_refused", "banned", "no_action", "police_report_filed")
_counter = iter(range(1, 10**9))


@contextmanager
def database(url: str) -> Iterator[tuple[Engine, SessionFactory]]:
    engine = make_engine(url)
    migrate(engine)
    try:
        yield engine, keyed_sessions(engine)
    finally:
        engine.dispose()


def case_row(created_at: datetime, **changes: Any) -> dict[str, Any]:
    number = next(_counter)
    row: dict[str, Any] = {
        "reference": f"CH-{created_at.year}-{number:05d}",
        "submission_key": f"insight-{number}",
        "reporter_user_id": "UREPORTER1",
        "reporter_locale": "ja",
        "identity": "anonymous",
        "categories": ["mental"],
        "occurred_at": created_at - timedelta(hours=1),
        "contact_channel": "face_to_face",
        "customer_type": "customer",
        "narrative": "「土下座しろ」と怒鳴られた",
        "demands": "謝罪",
        "desk_channel_id": DESK,
        "status": CaseStatus.NEW,
        "created_at": created_at,
        "updated_at": created_at,
    }
    row.update(changes)
    return row


def add_case(
    session: Session,
    created_at: datetime,
    *,
    location: str | None = None,
    customer_text: str | None = None,
    **changes: Any,
) -> Case:
    case = Case(**case_row(created_at, location=location, customer_text=customer_text, **changes))
    session.add(case)
    session.flush()
    return case


def seed_synthetic(engine: Engine, count: int, *, end: datetime, months: int = 12) -> list[int]:
    """`count` varied cases spread over the `months` before `end`, with contexts and check-ins."""
    rng = random.Random(13)
    span = timedelta(days=30 * months)
    cases, checkins = [], []
    for _ in range(count):
        created = end - span * rng.random()
        status = rng.choice((CaseStatus.NEW, CaseStatus.ACKNOWLEDGED, CaseStatus.RESOLVED))
        acknowledged = created + timedelta(minutes=rng.randint(5, 3000))
        resolved = acknowledged + timedelta(hours=rng.randint(1, 400))
        cases.append(
            case_row(
                created,
                categories=rng.sample(CATEGORY_KEYS, rng.choice((1, 1, 2))),
                contact_channel=rng.choice(CONTACT_CHANNELS),
                customer_type=rng.choice(CUSTOMER_TYPES),
                identity=rng.choice(("named", "anonymous")),
                in_danger=rng.random() < 0.05,
                status=status,
                acknowledged_at=acknowledged if status != CaseStatus.NEW else None,
                resolved_at=resolved if status == CaseStatus.RESOLVED else None,
                resolution=rng.choice(OUTCOMES) if status == CaseStatus.RESOLVED else None,
                sla_stage=1 if rng.random() < 0.1 else 0,
                location=rng.choice(LOCATIONS),
            )
        )
    with engine.begin() as connection:
        for start in range(0, len(cases), 5000):
            connection.execute(insert(Case), cases[start : start + 5000])
    with Session(engine) as session:
        ids: Sequence[int] = session.scalars(select(Case.id).order_by(Case.id)).all()
        created_of = dict(session.execute(select(Case.id, Case.created_at)).tuples().all())
    for case_id in ids:
        if rng.random() < 0.5:
            checkins.append(
                {
                    "case_id": case_id,
                    "user_id": "UREPORTER1",
                    "sequence": 1,
                    "due_at": created_of[case_id] + timedelta(days=1),
                    "status": CheckInStatus.ANSWERED,
                    "response": rng.choice(("ok", "talk", "stop")),
                    "created_at": created_of[case_id],
                }
            )
    with engine.begin() as connection:
        if checkins:
            connection.execute(insert(CheckIn), checkins)
    return list(ids)


def clock_at(moment: datetime) -> FrozenClock:
    return FrozenClock(moment.astimezone(UTC))
