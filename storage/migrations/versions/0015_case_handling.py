"""handling after a consultation: facts, care, measures, prevention, stop requests, answers owed
to the reporter, the closing survey and cooperation requests (Art. 33(3))

Revision ID: 0015_case_handling
Revises: 0014_restricted_cases
Create Date: 2026-12-08 00:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015_case_handling"
down_revision: str | None = "0014_restricted_cases"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIME = sa.DateTime(timezone=True)


def _case_id(nullable: bool = False) -> sa.Column:
    return sa.Column(
        "case_id", sa.Integer, sa.ForeignKey("cases.id", ondelete="CASCADE"), nullable=nullable
    )


def _recorded() -> list[sa.Column]:
    return [
        sa.Column("recorded_by", sa.String(32), nullable=False),
        sa.Column("recorded_at", TIME, nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "case_facts",
        sa.Column("id", sa.Integer, primary_key=True),
        _case_id(),
        sa.Column("confirmed", sa.JSON, nullable=False),
        sa.Column("methods", sa.JSON, nullable=False),
        sa.Column("with_whom", sa.JSON, nullable=False),
        sa.Column("notes", sa.Text, nullable=False),
        *_recorded(),
    )
    op.create_index("ix_case_facts_case_id", "case_facts", ["case_id"])
    op.create_table(
        "case_care",
        sa.Column("id", sa.Integer, primary_key=True),
        _case_id(),
        sa.Column("offered", sa.JSON, nullable=False),
        sa.Column("accepted", sa.JSON, nullable=False),
        sa.Column("notes", sa.Text, nullable=False),
        *_recorded(),
    )
    op.create_index("ix_case_care_case_id", "case_care", ["case_id"])
    op.create_table(
        "case_measures",
        sa.Column("id", sa.Integer, primary_key=True),
        _case_id(),
        sa.Column(
            "measure_id",
            sa.Integer,
            sa.ForeignKey("customer_measures.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column("kind", sa.String(32), nullable=False),
        *_recorded(),
    )
    op.create_index("ix_case_measures_case_id", "case_measures", ["case_id"])
    op.create_table(
        "prevention_actions",
        sa.Column("id", sa.Integer, primary_key=True),
        _case_id(),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("owner_user_id", sa.String(32), nullable=False),
        sa.Column("due_at", TIME, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reminded_at", TIME, nullable=True),
        sa.Column("done_by", sa.String(32), nullable=True),
        sa.Column("done_at", TIME, nullable=True),
        sa.Column("created_by", sa.String(32), nullable=False),
        sa.Column("created_at", TIME, nullable=False),
    )
    op.create_index("ix_prevention_actions_case_id", "prevention_actions", ["case_id"])
    op.create_index("ix_prevention_status_due", "prevention_actions", ["status", "due_at"])
    op.create_table(
        "stop_requests",
        sa.Column("id", sa.Integer, primary_key=True),
        _case_id(),
        sa.Column("customer_id", sa.Integer, nullable=False),
        sa.Column("requested_by", sa.String(32), nullable=False),
        sa.Column("requested_at", TIME, nullable=False),
        sa.Column("confirmed_by", sa.String(32), nullable=True),
        sa.Column("confirmed_at", TIME, nullable=True),
        sa.Column("measure_id", sa.Integer, nullable=True),
    )
    op.create_index("ix_stop_requests_case_id", "stop_requests", ["case_id"])
    op.create_table(
        "answer_reminders",
        sa.Column(
            "case_id",
            sa.Integer,
            sa.ForeignKey("cases.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("kind", sa.String(16), primary_key=True),
        sa.Column("created_at", TIME, nullable=False),
    )
    op.create_table(
        "survey_answers",
        sa.Column(
            "case_id",
            sa.Integer,
            sa.ForeignKey("cases.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("supported", sa.Integer, nullable=False),
        sa.Column("consult_again", sa.Integer, nullable=False),
        sa.Column("comment", sa.Text, nullable=False),
        sa.Column("answered_at", TIME, nullable=False),
    )
    op.create_table(
        "cooperation_requests",
        sa.Column("id", sa.Integer, primary_key=True),
        _case_id(nullable=True),
        sa.Column("customer_id", sa.Integer, nullable=True),
        sa.Column("direction", sa.String(16), nullable=False),
        sa.Column("company", sa.Text(), nullable=False),
        sa.Column("requested_on", sa.Date, nullable=False),
        sa.Column("asked", sa.Text, nullable=False),
        sa.Column("answered", sa.Text, nullable=False),
        *_recorded(),
    )
    op.create_index("ix_cooperation_requests_case_id", "cooperation_requests", ["case_id"])
    op.create_index("ix_cooperation_requests_customer_id", "cooperation_requests", ["customer_id"])


def downgrade() -> None:
    for table in (
        "cooperation_requests",
        "survey_answers",
        "answer_reminders",
        "stop_requests",
        "prevention_actions",
        "case_measures",
        "case_care",
        "case_facts",
    ):
        op.drop_table(table)
