"""The consent line says what the app really does."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.standin import SlackStandIn
from tests.harness import REPORTER_EN, REPORTER_JA, AppHarness


@pytest.fixture
def thirty_days(slack: SlackStandIn, database_url: str) -> Iterator[AppHarness]:
    with AppHarness(slack, database_url, env_overrides={"RETENTION": "30d"}) as app:
        yield app


def consent(view: dict[str, object]) -> str:
    blocks = view["blocks"]
    assert isinstance(blocks, list)
    return str(blocks[-1]["elements"][0]["text"])


def test_the_consent_line_says_what_is_recorded_who_sees_it_and_when_it_goes(
    thirty_days: AppHarness,
) -> None:
    ja = consent(thirty_days.open_report_form(REPORTER_JA))
    en = consent(thirty_days.open_report_form(REPORTER_EN))
    # The old text promised that reads are recorded: they are not.
    assert "閲覧・対応はすべて記録" not in ja and "access is logged" not in en
    assert "30日後" in ja and "30 days after the last activity" in en
    for text in (ja, en):
        assert "<#C0DESK0001>" in text
    assert "ユーザーID" in ja and "Slack ID" in en
    assert "リンク" in ja and "link to the message" in en
