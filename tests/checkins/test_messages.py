"""The check-in builders are pure and within Slack's Block Kit limits, in both languages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.checkins.messages import (
    answer_text,
    answered_dm,
    checkin_dm,
    desk_blocks,
    status_line,
    talk_post,
)
from bot.standin import validate_message_blocks
from storage.models import Case, CheckIn

NOW = datetime(2026, 3, 3, 1, 0, tzinfo=UTC)


def case(**overrides: object) -> Case:
    values: dict[str, object] = {
        "id": 7,
        "reference": "CH-2026-0042",
        "identity": "named",
        "reporter_user_id": "U0REPJA001",
        "checkins_wanted": True,
        "in_danger": False,
        "assignee_user_id": None,
    }
    values.update(overrides)
    return Case(**values)


def checkin(**overrides: object) -> CheckIn:
    values: dict[str, object] = {"id": 3, "case_id": 7, "sequence": 1, "due_at": NOW}
    values.update(overrides)
    return CheckIn(**values)


@pytest.mark.parametrize("locale", ["ja", "en"])
def test_dm_answer_and_desk_blocks_are_valid(locale: str) -> None:
    dm = checkin_dm(case(), checkin(status="sent"), locale)
    assert validate_message_blocks(dm.blocks) == []
    assert "CH-2026-0042" in dm.text
    for answer in ("ok", "talk", "later_1h", "later_tomorrow", "stop"):
        line = answer_text(case(), answer, locale, next_due=NOW)
        assert validate_message_blocks(answered_dm(case(), line, locale).blocks) == []
    blocks = desk_blocks(case(), "*x*", can_add=True, can_cancel=True, locale=locale)
    assert validate_message_blocks(blocks) == []
    assert [b["type"] for b in blocks] == ["context", "actions"]


def test_status_line_summarises_what_the_desk_needs() -> None:
    rows = [
        checkin(id=1, status="answered", response="ok", responded_at=NOW),
        checkin(id=2, sequence=2, status="sent", response=None),
        checkin(id=3, sequence=3, status="scheduled", due_at=NOW + timedelta(days=20)),
    ]
    line = status_line(case(), rows, "en") or ""
    assert line.startswith("*Check-ins*: 1 sent (no answer yet)")
    assert "last answer: OK" in line and "next <!date^" in line
    assert status_line(case(checkins_wanted=False), [], "ja") == (
        "*フォローアップ*: なし(相談者が希望しませんでした)"
    )
    assert status_line(case(), [], "en") is None
    stopped = [checkin(status="answered", response="stop", responded_at=NOW)]
    assert "stopped by the reporter" in (status_line(case(), stopped, "en") or "")


def test_talk_post_names_only_named_reporters_and_the_reporter_learns_who_calls() -> None:
    named = talk_post(case(), checkin(), "en", mention="<!here>", contact_from=None)
    assert "<@U0REPJA001>" in named.text and "today" in named.text
    anonymous = talk_post(
        case(identity="anonymous"), checkin(), "en", mention="<!here>", contact_from=NOW
    )
    assert "U0REPJA001" not in anonymous.text and "next working day" in anonymous.text
    assigned = answer_text(case(assignee_user_id="U0DESK0001"), "talk", "ja")
    assert "<@U0DESK0001>" in assigned and "本日中" in assigned


@pytest.mark.parametrize("locale", ["ja", "en"])
def test_anonymous_check_in_times_reach_the_desk_as_a_plain_date_without_a_time_token(
    locale: str,
) -> None:
    # 10:00 in New York is 15:00 UTC: a `<!date^…>` token would carry that second to the desk.
    due = datetime(2026, 3, 3, 15, 0, tzinfo=UTC)
    rows = [
        checkin(id=1, status="answered", response="ok", responded_at=due),
        checkin(id=2, sequence=2, status="scheduled", due_at=due + timedelta(days=6)),
    ]
    anonymous = case(identity="anonymous")
    line = status_line(anonymous, rows, locale) or ""
    talk = talk_post(anonymous, checkin(), locale, mention="<!here>", contact_from=due)
    for text in (line, talk.text):
        assert "<!date^" not in text and str(int(due.timestamp())) not in text
    assert "2026-03-03" in line and "2026-03-09" in line and "2026-03-03" in talk.text
    named = status_line(case(), rows, locale) or ""
    assert f"<!date^{int(due.timestamp())}^" in named
