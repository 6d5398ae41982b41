"""The bot not invited to the desk channel: reports are stored, but nothing reaches the desk.
`/readyz` answers 503 naming it, every App Home says so, the reporter is not told the report
reached the desk; all of it recovers once the bot is invited."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from functools import partial
from typing import Any

import pytest
import requests

from bot.i18n import t
from bot.standin import SlackStandIn
from bot.standin.server import Channel
from tests.harness import (
    DESK_CHANNEL,
    DESK_STAFF,
    REPORTER_JA,
    AppHarness,
    AppProcess,
    base_env,
    free_port,
)


@pytest.fixture
def uninvited(slack: SlackStandIn) -> Channel:
    """The desk's private channel, with the desk in it but not the bot."""
    return slack.add_channel(
        DESK_CHANNEL, "kasuhara-desk", is_private=True, members=DESK_STAFF, bot_is_member=False
    )


def invite_bot(slack: SlackStandIn, channel: Channel) -> None:
    with slack._lock:
        channel.bot_is_member = True


def readiness(base_url: str) -> tuple[int, dict[str, Any]]:
    answer = requests.get(f"{base_url}/readyz", timeout=5)
    return answer.status_code, answer.json()


def readiness_when(base_url: str, status: int, timeout: float = 90) -> dict[str, Any]:
    """The body of `/readyz` once it answers `status` (it is asked again until then)."""

    def answered() -> dict[str, Any] | None:
        code, body = readiness(base_url)
        return body if code == status else None

    deadline = time.monotonic() + timeout
    while (body := answered()) is None:
        assert time.monotonic() < deadline, readiness(base_url)
        time.sleep(0.2)
    return body


@pytest.fixture
def process(slack: SlackStandIn, database_url: str, uninvited: Channel) -> Iterator[AppProcess]:
    running = AppProcess(base_env(slack, database_url), free_port(), probe="/healthz").start()
    try:
        yield running
    finally:
        running.stop()


def test_readyz_names_a_desk_channel_the_bot_is_not_in_until_it_is_invited(
    slack: SlackStandIn, process: AppProcess, uninvited: Channel
) -> None:
    base_url = f"http://127.0.0.1:{process.port}"
    status, body = readiness(base_url)
    assert status == 503, body
    assert body["desk_channel"] == "not_member" and body["slack"] == "authenticated"
    warnings = [line for line in process.output().splitlines() if "DESK_CHANNEL_ID" in line]
    assert len(warnings) == 1, warnings
    assert f"the bot cannot post in {DESK_CHANNEL} (channel_not_found)" in warnings[0]
    invite_bot(slack, uninvited)
    body = readiness_when(base_url, 200)
    assert body["desk_channel"] == "ok"
    assert f"the bot can post in {DESK_CHANNEL} again" in process.output()


def home_text(app: AppHarness, user_id: str) -> str:
    view = app.slack.home_view(user_id)
    return json.dumps(view["blocks"], ensure_ascii=False) if view else ""


def shows(app: AppHarness, user_id: str, text: str) -> bool:
    return text in home_text(app, user_id)


def open_home(app: AppHarness, user_id: str) -> None:
    answer = app.sender.event({"type": "app_home_opened", "user": user_id, "tab": "home"})
    assert answer.status == 200


def test_a_report_while_the_bot_is_not_in_the_desk_channel(
    slack: SlackStandIn, database_url: str, uninvited: Channel
) -> None:
    with AppHarness(slack, database_url) as app:
        view = app.open_report_form(REPORTER_JA)
        answer = app.submit_report(view).json()
        stored = json.dumps(answer["view"]["blocks"], ensure_ascii=False)
        assert "相談窓口へお届けします" in stored and "送りました" not in stored
        # The desk post is refused (channel_not_found); the receipt does not claim it arrived.
        dm = slack.wait_for(lambda: next(iter(slack.dms(REPORTER_JA)), None), timeout=30)
        assert dm["text"].endswith("を保存しました。まもなく相談窓口に届きます"), dm["text"]
        assert "届きました" not in json.dumps(dm["blocks"], ensure_ascii=False)
        assert readiness_when(app.base_url, 503)["desk_channel"] == "not_member"
        notice = {
            locale: t("home.desk_channel_not_member", locale).split("*")[1]
            for locale in ("ja", "en")
        }
        assert notice["ja"] == "現在、報告が相談窓口に届いていません。"
        for user in (REPORTER_JA, DESK_STAFF[0]):
            open_home(app, user)
            slack.wait_for(partial(shows, app, user, notice["ja"]), timeout=30)
        invite_bot(slack, uninvited)
        # The waiting case message goes out on the outbox's next try, and that is news enough.
        slack.wait_for(lambda: slack.messages(DESK_CHANNEL), timeout=60)
        assert readiness_when(app.base_url, 200)["desk_channel"] == "ok"
        before = len(slack.calls_to("views.publish"))
        open_home(app, REPORTER_JA)
        slack.wait_for(lambda: len(slack.calls_to("views.publish")) > before, timeout=30)
        assert notice["ja"] not in home_text(app, REPORTER_JA)


def test_the_home_notice_is_in_both_languages() -> None:
    en = t("home.desk_channel_not_member", "en")
    assert "/invite @Harassment Desk" in en and "not reaching the consultation desk" in en
    assert "/invite @Harassment Desk" in t("home.desk_channel_not_member", "ja")
