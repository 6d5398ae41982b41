"""Guidance on every case: the desk's recommended response in the case thread, the employee's
guidance in the reporter's confirmation DM, each in the right language."""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import select

from bot.guidance import BLOCK_HELP, BLOCK_IN_DANGER, DESK_THREAD, Locale, load_guidance
from bot.standin import SlackStandIn
from storage.models import Case, OutboxMessage
from tests.guidance.test_commands import text_of
from tests.harness import DESK_CHANNEL, REPORTER_EN, REPORTER_JA, AppHarness

LIB = load_guidance()


def report(app: AppHarness, user: str, **values: Any) -> Case:
    view = app.open_report_form(user)
    assert app.submit_report(view, values, user_id=user).status == 200
    with app.deps.sessions() as session:
        case = session.scalars(select(Case).order_by(Case.id.desc())).first()
    assert case is not None
    return case


def thread_replies(app: AppHarness) -> list[dict[str, Any]]:
    """Wait for the case message and a reply in its thread; return the replies."""
    parent = app.slack.wait_for(lambda: app.slack.messages(DESK_CHANNEL), timeout=15)[0]
    return app.slack.wait_for(lambda: app.slack.replies(DESK_CHANNEL, parent["ts"]), timeout=15)


def test_case_thread_gets_the_desk_guidance_for_its_categories_in_the_desk_language(
    app: AppHarness,
) -> None:
    # The reporter writes in English; the desk works in DEFAULT_LOCALE (ja in the harness).
    case = report(app, REPORTER_EN, categories=["targeted", "compensation"])
    replies = thread_replies(app)
    assert len(replies) == 1
    text = text_of(replies[0]["blocks"])
    assert replies[0]["blocks"][0]["text"]["text"] == "推奨する対応"
    for key in ("targeted", "compensation"):
        assert LIB.categories[key].label.ja in text
        assert LIB.desk[key].facts.ja in text
        assert LIB.desk[key].actions.ja in text
    assert LIB.desk["every_case"].actions.ja in text
    assert LIB.desk["physical"].actions.ja not in text
    assert LIB.desk["targeted"].actions.en not in text
    assert case.reference in replies[0]["text"]

    time.sleep(1.5)  # further ticks must not post it again
    assert len(thread_replies(app)) == 1
    with app.deps.sessions() as session:
        rows = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == DESK_THREAD))
        [row] = list(rows)
    assert row.status == "done"
    assert (row.dedupe_key, row.case_id) == (f"case:{case.id}:guidance", case.id)


def test_an_english_desk_gets_english_guidance(slack: SlackStandIn, sqlite_url: str) -> None:
    with AppHarness(slack, sqlite_url, env_overrides={"DEFAULT_LOCALE": "en"}) as app:
        report(app, REPORTER_JA, categories=["physical"])
        [reply] = thread_replies(app)
    assert reply["blocks"][0]["text"]["text"] == "Recommended response"
    text = text_of(reply["blocks"])
    assert LIB.desk["physical"].actions.en in text
    assert LIB.desk["every_case"].facts.en in text
    assert LIB.desk["physical"].actions.ja not in text


def test_a_case_without_categories_still_gets_the_every_case_reminders(app: AppHarness) -> None:
    report(app, REPORTER_JA, categories=[])
    [reply] = thread_replies(app)
    text = text_of(reply["blocks"])
    assert LIB.desk["every_case"].actions.ja in text
    assert not any(LIB.desk[key].actions.ja in text for key in LIB.categories)


def dm_blocks(app: AppHarness, user: str) -> list[dict[str, Any]]:
    dms = app.slack.wait_for(lambda: app.slack.dms(user), timeout=15)
    return list(dms[0]["blocks"])


def test_reporter_dm_carries_the_employee_guidance_in_english(app: AppHarness) -> None:
    report(app, REPORTER_EN, categories=["sexual", "apology"])
    blocks = dm_blocks(app, REPORTER_EN)
    text = text_of(blocks)
    for key in ("apology", "sexual"):
        assert LIB.employee[key].now.en in text
        assert LIB.employee[key].company.en in text
    assert text.index(LIB.employee["apology"].now.en) < text.index(LIB.employee["sexual"].now.en)
    assert LIB.employee["physical"].now.en not in text
    assert LIB.employee["sexual"].now.ja not in text
    assert blocks[-1]["block_id"] == BLOCK_HELP
    assert "#9110" in text and "こころの耳" in text


def test_reporter_dm_carries_the_employee_guidance_in_japanese(app: AppHarness) -> None:
    report(app, REPORTER_JA, categories=["restrictive"])
    blocks = dm_blocks(app, REPORTER_JA)
    text = text_of(blocks)
    assert LIB.employee["restrictive"].now.ja in text
    assert LIB.employee["restrictive"].company.ja in text
    assert LIB.employee["restrictive"].now.en not in text
    assert blocks[-1]["block_id"] == BLOCK_HELP
    assert "#9110" in text and "こころの耳" in text


def test_in_danger_steps_come_first_and_only_once(app: AppHarness) -> None:
    languages: tuple[tuple[str, Locale], ...] = ((REPORTER_EN, "en"), (REPORTER_JA, "ja"))
    for user, locale in languages:
        report(app, user, in_danger="yes", categories=["physical"])
        blocks = dm_blocks(app, user)
        text = text_of(blocks)
        assert blocks[0]["type"] == "header"  # the DM's own emergency steps lead
        assert "110" in blocks[1]["text"]["text"]
        # The guidance part does not repeat the emergency section the DM already opens with.
        assert all(block.get("block_id") != BLOCK_IN_DANGER for block in blocks)
        assert text.index("110") < text.index(LIB.employee["physical"].now.get(locale))
