"""Sealed mode end to end, both databases: unique markers in every text a person wrote reach
the modals of desk members allowed to read them and nothing else Slack receives; each read
writes its access row; `audit verify` holds, then finds an edited and a deleted row; the
reporter's App Home shows when the desk read their case."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from bot.access import EXPORT, OPEN_CASE, OPEN_EVIDENCE, REGISTER_LOOKUP, REPORTER_OPEN, SHOW_NAME
from bot.access import ids as access_ids
from bot.conversation import ids as conversation_ids
from bot.customers import ids as customer_ids
from bot.desk import ids as desk_ids
from bot.standin import SlackStandIn
from storage.models import Case
from tests.access.support import (
    OUTSIDE_MODALS,
    SEALED,
    accesses,
    audit_verify,
    open_case,
    sent,
    show_name,
)
from tests.conversation_support import (
    click_dm_button,
    evidence_of,
    file_report,
    message_reporter,
    messages_of,
    png_bytes,
    receipt,
)
from tests.desk_support import actions_of, click, open_modal, submit, wait_private_reply
from tests.harness import DESK_STAFF, OUTSIDER, REPORTER_JA, AppHarness

LEAD, OTHER = DESK_STAFF
NAME = "mkname0a1"  # the reporter's display name in the stand-in
FORM = {
    "narrative": "mknarr0b2 the customer shouted",
    "location": "mkloc0c3",
    "customer_text": "mkcust0d4 Tanaka",
    "demands": "mkdem0e5",
    "witnesses": "mkwit0f6",
    "injury": "mkinj0g7",
    "immediate_action": "mkact0h8",
    "wants": "mkwant0i9",
}
NOTE = "mknote1a0"
FROM_REPORTER = "mkdm1b1 I remembered more"
FROM_DESK = "mkdesk1c2 we read your report"
MODAL_REPLY = "mkreply1d3 thank you"
CUSTOMER = "mkrecord1e4"  # the name the desk gives the customer's record in the register
PHOTO, PROGRAM = "mkfile1f5.png", "mkbad1f6.exe"  # file names are text the reporter wrote
MARKERS = [
    *(value.split()[0] for value in FORM.values()),
    NOTE,
    "mkdm1b1",
    "mkdesk1c2",
    "mkreply1d3",
    CUSTOMER,
    "mkfile1f5",
    "mkbad1f6",
]


@pytest.fixture
def sealed_app(slack: SlackStandIn, database_url: str) -> Iterator[AppHarness]:
    slack.add_user(REPORTER_JA, NAME, real_name=f"{NAME} real", tz="Asia/Tokyo", locale="ja-JP")
    env = {**SEALED, "DESK_LEADS": LEAD}
    with AppHarness(slack, database_url, env_overrides=env) as harness:
        yield harness


def _modal_text(view: dict[str, Any]) -> str:
    return json.dumps(view, ensure_ascii=False)


def _link_customer(app: AppHarness, case: Case) -> str:
    """The desk links the case to a new register record and searches the register; returns
    the search's private answer (the HTTP answer to the command)."""
    linking = open_modal(app, case, customer_ids.LINK_ACTION, LEAD)
    values = {customer_ids.PICK_BLOCK: customer_ids.NEW_RECORD, customer_ids.NAME_BLOCK: CUSTOMER}
    assert submit(app, linking, values, LEAD) is None
    response = app.sender.command("/harassment", f"customer {CUSTOMER}", user_id=LEAD)
    assert response.status == 200
    return response.text


def _exchange(app: AppHarness, case: Case) -> None:
    """A note, a reply in the DM thread, a desk message, the reporter's reply in its modal."""
    view = open_modal(app, case, desk_ids.NOTE_ACTION, LEAD)
    submit(app, view, {desk_ids.NOTE_BLOCK: NOTE}, LEAD)
    root = receipt(app, REPORTER_JA, case.reference)
    files = [
        app.slack.add_file(REPORTER_JA, PHOTO, png_bytes(), mimetype="image/png"),
        app.slack.add_file(REPORTER_JA, PROGRAM, b"MZ..."),
    ]
    app.sender.send_dm(REPORTER_JA, FROM_REPORTER, thread_ts=root["ts"], files=files)
    app.slack.wait_for(
        lambda: any(e.status == "copied" for e in evidence_of(app, case.id)), timeout=60
    )
    assert message_reporter(app, case, OTHER, FROM_DESK) is None

    def notice() -> dict[str, Any] | None:
        found = [
            m
            for m in app.slack.replies("D" + REPORTER_JA, root["ts"])
            if conversation_ids.REPORTER_OPEN_ACTION in json.dumps(m)
        ]
        return found[-1] if found else None

    dm = app.slack.wait_for(notice, timeout=30)
    before = len(app.slack.calls_to("views.open"))
    click_dm_button(app, dm, conversation_ids.REPORTER_OPEN_ACTION)
    app.slack.wait_for(lambda: len(app.slack.calls_to("views.open")) > before, timeout=10)
    reader = app.slack.calls_to("views.open")[-1].response["view"]
    assert "mkdesk1c2" in _modal_text(reader)
    submit(app, reader, {access_ids.REPLY_INPUT: MODAL_REPLY}, REPORTER_JA)
    app.slack.wait_for(
        lambda: len([m for m in messages_of(app, case.id) if m.copy_ts or m.desk_copy_ts]) >= 3,
        timeout=30,
    )


def _settled(app: AppHarness) -> None:
    """Every outbox row delivered (or skipped): what Slack received is final."""
    app.slack.wait_for(lambda: _no_pending(app), timeout=30)


def _no_pending(app: AppHarness) -> bool:
    with app.deps.sessions() as session:
        return not session.execute(
            text("SELECT 1 FROM outbox WHERE status IN ('pending', 'sending') LIMIT 1")
        ).first()


def test_sealed_slack_holds_no_content_and_the_modals_hold_all_of_it(
    sealed_app: AppHarness,
) -> None:
    app = sealed_app
    case = file_report(app, REPORTER_JA, identity="named", **FORM)
    searched = _link_customer(app, case)
    assert "No. " in searched and CUSTOMER not in searched
    _exchange(app, case)
    app.sender.event({"type": "app_home_opened", "user": LEAD, "tab": "home"})
    view = open_case(app, case, OTHER)
    named = show_name(app, view, OTHER)
    evidence = open_evidence(app, named, OTHER)
    copy = next(f for f in app.slack.bot_files() if f["id"] in json.dumps(evidence))
    assert copy["permalink"] in json.dumps(evidence)  # the copy in the case thread
    refused = app.sender.command("/harassment", "export --with-text", user_id=LEAD)
    assert "harassment-desk export --with-text" in refused.text
    assert app.sender.command("/harassment", "export", user_id=LEAD).status == 200
    app.slack.wait_for(lambda: app.slack.calls_to("files.completeUploadExternal"), timeout=30)
    month = app.deps.core.clock.now().astimezone(app.settings.desk_hours.tz).strftime("%Y-%m")
    assert app.sender.command("/harassment", f"stats {month}", user_id=LEAD).status == 200
    app.slack.wait_for(lambda: len(app.slack.calls_to("files.completeUploadExternal")) >= 2, 30)
    _settled(app)

    files = [app.slack.file_bytes(f["id"]) or b"" for f in app.slack.bot_files()]
    outside = sent(app, OUTSIDE_MODALS) + b"".join(files).decode("utf-8", "replace")
    assert outside  # the case message, the thread, the DMs, the home, the export's CSV
    for marker in [*MARKERS, NAME, REPORTER_JA]:
        assert marker not in outside, marker
    inside = _modal_text(view) + _modal_text(named)
    for marker in MARKERS:
        assert marker in inside, marker
    assert REPORTER_JA not in _modal_text(view)  # the name is one more click away
    assert f"<@{REPORTER_JA}>" in _modal_text(named)
    assert access_ids.OPEN_CASE_ACTION in sent(app, ("chat.postMessage", "chat.update"))

    rows = accesses(app, case.id)
    assert [(r.actor_user_id, r.action) for r in rows if r.action != REPORTER_OPEN] == [
        (LEAD, REGISTER_LOOKUP),  # the Link to customer modal shows the reporter's text
        (OTHER, OPEN_CASE),
        (OTHER, SHOW_NAME),
        (OTHER, OPEN_EVIDENCE),
    ]
    searches = [r for r in accesses(app) if r.case_id is None]
    assert [(r.actor_user_id, r.action) for r in searches] == [
        (LEAD, REGISTER_LOOKUP),
        (LEAD, EXPORT),
    ]
    assert [r.actor_user_id for r in rows if r.action == REPORTER_OPEN] == [REPORTER_JA]


def test_the_lead_sees_the_accesses_and_others_are_refused(sealed_app: AppHarness) -> None:
    app = sealed_app
    case = file_report(app, REPORTER_JA, identity="anonymous", narrative="mkanon2a0")
    open_case(app, case, OTHER)
    lead_view = open_case(app, case, LEAD)
    assert "アクセス記録" in _modal_text(lead_view) and f"<@{OTHER}>" in _modal_text(lead_view)
    assert "access.button.show_name" not in _modal_text(lead_view)
    assert access_ids.SHOW_NAME_ACTION not in _modal_text(lead_view)  # anonymous: no name

    opened = len(app.slack.calls_to("views.open"))
    click(app, case, access_ids.OPEN_CASE_ACTION, OUTSIDER)
    wait_private_reply(app)
    assert len(app.slack.calls_to("views.open")) == opened
    assert "denied:open_case" in actions_of(app, case.id)
    # A forged Open on evidence: refused and counted, no view.
    payload = app.sender.block_actions(
        access_ids.OPEN_EVIDENCE_ACTION, value="1", user_id=OUTSIDER, view=lead_view
    )
    assert app.sender.interaction(payload).status == 200
    app.slack.wait_for(lambda: "denied:open_evidence" in all_refusals(app, OUTSIDER), timeout=10)
    assert not app.slack.calls_to("views.push")
    assert [r.actor_user_id for r in accesses(app, case.id)] == [OTHER, LEAD]
    # Only the reporter opens the desk's messages to them.
    payload = app.sender.block_actions(
        conversation_ids.REPORTER_OPEN_ACTION,
        value=str(case.id),
        user_id=OUTSIDER,
        channel_id="D" + OUTSIDER,
    )
    assert app.sender.interaction(payload).status == 200
    app.slack.wait_for(lambda: "denied:reporter_open" in actions_of(app, case.id), timeout=10)
    assert len(app.slack.calls_to("views.open")) == opened


def test_an_expired_trigger_offers_the_button_again(sealed_app: AppHarness) -> None:
    app = sealed_app
    case = file_report(app, REPORTER_JA, identity="anonymous")
    app.slack.trigger_ttl = 0.0
    click(app, case, access_ids.OPEN_CASE_ACTION, OTHER)

    def offered() -> bool:
        return any(
            access_ids.OPEN_CASE_ACTION in json.dumps(call.args)
            for call in app.slack.calls_to("response_url")
        )

    app.slack.wait_for(offered, timeout=10)


def test_audit_verify_passes_then_finds_an_edited_and_a_deleted_row(
    sealed_app: AppHarness, database_url: str
) -> None:
    app = sealed_app
    case = file_report(app, REPORTER_JA, identity="named")
    view = open_case(app, case, OTHER)
    show_name(app, view, OTHER)
    open_case(app, case, LEAD)
    assert len(accesses(app)) == 3
    ok = audit_verify(database_url)
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.strip() == "3 rows, chain intact"

    engine = create_engine(database_url)
    try:
        with engine.begin() as connection:
            connection.execute(
                text("UPDATE access_log SET actor_user_id = 'U0FORGED1' WHERE id = 2")
            )
        edited = audit_verify(database_url)
        assert edited.returncode != 0
        assert "row 2" in edited.stderr and OTHER not in edited.stderr + edited.stdout
        with engine.begin() as connection:
            connection.execute(
                text("UPDATE access_log SET actor_user_id = :who WHERE id = 2"), {"who": OTHER}
            )
        assert audit_verify(database_url).returncode == 0
        with engine.begin() as connection:
            connection.execute(text("DELETE FROM access_log WHERE id = 2"))
        deleted = audit_verify(database_url)
        assert deleted.returncode != 0 and "row 3" in deleted.stderr
    finally:
        engine.dispose()


def test_the_reporters_home_shows_when_the_desk_read_the_case(sealed_app: AppHarness) -> None:
    app = sealed_app
    case = file_report(app, REPORTER_JA, identity="named")

    def home() -> str:
        before = len(app.slack.calls_to("views.publish"))
        app.sender.event({"type": "app_home_opened", "user": REPORTER_JA, "tab": "home"})
        app.slack.wait_for(lambda: len(app.slack.calls_to("views.publish")) > before, timeout=10)
        return json.dumps(app.slack.calls_to("views.publish")[-1].args, ensure_ascii=False)

    assert "窓口が最後にこのケースを開いた日" not in home()
    view = open_case(app, case, OTHER)
    show_name(app, view, OTHER)
    seen = home()
    assert "窓口が最後にこのケースを開いた日" in seen
    assert "お名前が窓口に表示された日" in seen
    today = app.deps.core.clock.now().strftime("%Y-%m-%d")
    assert today in seen.split("窓口が最後にこのケースを開いた日")[1] and OTHER not in seen


def test_a_bad_content_setting_is_one_line_and_exit_2(sqlite_url: str) -> None:
    from tests.access.support import audit_verify

    result = audit_verify(sqlite_url, CASE_CONTENT_IN_SLACK="secret")
    assert result.returncode == 2, result
    [line] = result.stderr.strip().splitlines()
    assert "CASE_CONTENT_IN_SLACK" in line and "sealed or full" in line


def open_evidence(app: AppHarness, view: dict[str, Any], user_id: str) -> dict[str, Any]:
    """`user_id` clicks Open on the first copied evidence file in the case modal `view`."""
    value = next(
        element["value"]
        for block in view["blocks"]
        if block.get("accessory", {}).get("action_id") == access_ids.OPEN_EVIDENCE_ACTION
        for element in (block["accessory"],)
    )
    before = len(app.slack.calls_to("views.push"))
    payload = app.sender.block_actions(
        access_ids.OPEN_EVIDENCE_ACTION, value=value, user_id=user_id, view=view
    )
    assert app.sender.interaction(payload).status == 200
    app.slack.wait_for(lambda: len(app.slack.calls_to("views.push")) > before, timeout=10)
    call = app.slack.calls_to("views.push")[-1]
    assert call.response.get("ok"), call.response
    return dict(call.response["view"])


def all_refusals(app: AppHarness, user_id: str) -> list[str]:
    with app.deps.sessions() as session:
        query = text("SELECT action FROM case_events WHERE actor_user_id = :user")
        return [row.action for row in session.execute(query, {"user": user_id})]
