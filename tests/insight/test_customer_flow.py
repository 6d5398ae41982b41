"""The customer register from the desk's side, through the stand-in: *Link to customer* on the
case message, a ban recorded from `/harassment customer`, and the line on the next case."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.customers import ids
from bot.customers.service import CustomerService, Done
from bot.standin import SlackStandIn
from storage.models import Case, CaseEvent
from storage.repositories import customers as customers_repo
from tests.desk_support import case_message, load, report, submit, text_of, wait_private_reply
from tests.harness import DESK_CHANNEL, DESK_STAFF, OUTSIDER, AppHarness

DESK = DESK_STAFF[0]


def wait_case_text(app: AppHarness, case: Case, needle: str) -> str:
    def check() -> str | None:
        found = text_of(case_message(app, load(app, case.id)))
        return found if needle in found else None

    return str(app.slack.wait_for(check, timeout=15))


def click_open(
    app: AppHarness, action_id: str, value: str, user: str, **where: Any
) -> dict[str, Any]:
    before = len(app.slack.calls_to("views.open"))
    payload = app.sender.block_actions(action_id, value=value, user_id=user, **where)
    response = app.sender.interaction(payload)
    assert response.status == 200, response.text
    app.slack.wait_for(lambda: len(app.slack.calls_to("views.open")) > before, timeout=10)
    call = app.slack.calls_to("views.open")[-1]
    assert call.response.get("ok"), call.response
    return dict(call.response["view"])


def test_link_ban_and_the_next_case_shows_the_history(app: AppHarness) -> None:
    first = report(app, customer_text="ﾔﾏﾀﾞ ﾀﾛｳ, 090-1234-5678", location="渋谷店")
    message = case_message(app, first)
    assert "渋谷店" in text_of(message) and "ﾔﾏﾀﾞ ﾀﾛｳ" in text_of(message)
    assert ids.LINK_ACTION in str(message["blocks"])
    view = click_open(
        app,
        ids.LINK_ACTION,
        str(first.id),
        DESK,
        channel_id=DESK_CHANNEL,
        message_ts=first.desk_message_ts,
    )
    assert "090-1234-5678" in str(view["blocks"])  # what the reporter wrote, for the desk
    answer = submit(
        app,
        view,
        {ids.PICK_BLOCK: ids.NEW_RECORD, ids.NAME_BLOCK: "山田太郎様"},
        DESK,
    )
    assert answer is None  # closed: saved
    wait_case_text(app, first, "山田太郎様")

    # A ban from the register answer's button.
    response = app.sender.command("/harassment", "customer ヤマダ", user_id=DESK)
    found = response.json()
    assert "山田太郎様" in str(found["blocks"])
    with app.deps.sessions() as session:
        customer_id = customers_repo.search(session, "ヤマダタロウ")[0].id
    measure_view = click_open(app, ids.MEASURE_ACTION, str(customer_id), DESK)
    # A ban that holds now, on whatever day the test runs: dates from the app's clock.
    today = app.deps.clock.now().astimezone(ZoneInfo("Asia/Tokyo")).date()
    until = today + timedelta(days=120)
    assert (
        submit(
            app,
            measure_view,
            {
                ids.KIND_BLOCK: "banned",
                ids.FROM_BLOCK: today - timedelta(days=30),
                ids.UNTIL_BLOCK: until,
            },
            DESK,
        )
        is None
    )

    # The next report names the customer by phone, written differently: matched and marked.
    second = report(app, customer_text="０９０ １２３４ ５６７８")
    text = wait_case_text(app, second, first.reference)
    assert ":no_entry:" in text and f"{until.isoformat()}まで出入禁止" in text
    with app.deps.sessions() as session:
        actions = [row.action for row in customers_repo.audit_rows(session)]
    assert actions[:3] == ["read:case", "create", "link"]
    assert "read:search" in actions and "measure" in actions


def test_a_non_desk_click_is_refused_and_audited(app: AppHarness) -> None:
    case = report(app)
    payload = app.sender.block_actions(
        ids.LINK_ACTION,
        value=str(case.id),
        user_id=OUTSIDER,
        channel_id=DESK_CHANNEL,
        message_ts=case.desk_message_ts,
    )
    assert app.sender.interaction(payload).status == 200

    def refused() -> list[str] | None:
        with app.deps.sessions() as session:
            rows = [r.action for r in customers_repo.audit_rows(session)]
        return rows or None

    assert app.slack.wait_for(refused) == [f"denied:{ids.LINK_ACTION}"]
    assert app.slack.calls_to("views.open") == [] or all(
        call.args.get("view", {}).get("callback_id") != ids.LINK_VIEW
        for call in app.slack.calls_to("views.open")
    )


def test_identifiers_of_only_punctuation_are_field_errors_in_the_modal(app: AppHarness) -> None:
    case = report(app, customer_text="---")
    view = click_open(
        app,
        ids.LINK_ACTION,
        str(case.id),
        DESK,
        channel_id=DESK_CHANNEL,
        message_ts=case.desk_message_ts,
    )
    answer = submit(
        app,
        view,
        {
            ids.PICK_BLOCK: ids.NEW_RECORD,
            ids.NAME_BLOCK: "！？",
            ids.IDENTIFIERS_BLOCK: "---\n・・・",
        },
        DESK,
    )
    assert answer is not None and answer["response_action"] == "errors"
    assert set(answer["errors"]) == {ids.NAME_BLOCK, ids.IDENTIFIERS_BLOCK}
    assert "記号のみ" in answer["errors"][ids.IDENTIFIERS_BLOCK]
    with app.deps.sessions() as session:
        assert customers_repo.count(session) == 0


def test_merging_two_records_and_merging_again(app: AppHarness) -> None:
    service = app.deps.service(CustomerService)
    first, second = report(app), report(app)
    a = service.create_and_link(DESK, first.id, display_name="山田太郎", identifiers_text="")
    b = service.create_and_link(DESK, second.id, display_name="ヤマダ", identifiers_text="A-1")
    assert isinstance(a, Done) and isinstance(b, Done)

    def merge() -> str:
        text = f"customer merge {b.customer_id} {a.customer_id}"
        response = app.sender.command("/harassment", text, user_id=DESK)
        return str(response.json()["text"])

    assert f"No. {b.customer_id} を No. {a.customer_id} に統合しました(相談 1 件" in merge()
    assert merge() == "その記録は既に別の記録に統合されています。"
    found = app.sender.command("/harassment", "customer A-1", user_id=DESK).json()
    assert "山田太郎" in str(found["blocks"]) and f"No. {a.customer_id}" in str(found["blocks"])
    wait_case_text(app, second, "山田太郎")  # the moved case's message names the survivor


@pytest.fixture
def with_lead(slack: SlackStandIn, database_url: str) -> Iterator[AppHarness]:
    with AppHarness(slack, database_url, env_overrides={"DESK_LEADS": DESK}) as app:
        yield app


def test_the_registers_legal_hold_button_obeys_the_lead_only_rule(with_lead: AppHarness) -> None:
    """The button holds under the same rule as `/harassment hold`: a desk member who is not a
    lead is refused privately, the case is not held and the refusal is audited; a lead holds."""
    app = with_lead
    member = DESK_STAFF[1]
    case = report(app, customer_text="ﾔﾏﾀﾞ ﾀﾛｳ")
    done = app.deps.service(CustomerService).create_and_link(
        DESK, case.id, display_name="山田太郎様", identifiers_text="ﾔﾏﾀﾞ ﾀﾛｳ"
    )
    assert isinstance(done, Done)
    customer_id = done.customer_id
    found = app.sender.command("/harassment", "customer ヤマダ", user_id=member).json()
    assert ids.HOLD_ACTION in str(found["blocks"])

    def click_hold(user: str) -> None:
        payload = app.sender.block_actions(
            ids.HOLD_ACTION, value=str(customer_id), user_id=user, message=found
        )
        assert app.sender.interaction(payload).status == 200

    click_hold(member)
    refused = wait_private_reply(app, 1)
    assert "窓口責任者だけ" in refused[0]

    def events() -> list[tuple[str, str]]:
        with app.deps.sessions() as session:
            rows = session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id))
            return [(e.action, e.actor_user_id) for e in rows]

    assert ("denied:legal_hold", member) in events()
    with app.deps.sessions() as session:
        stored = session.get(Case, case.id)
        assert stored is not None and stored.legal_hold is False

    click_hold(DESK)
    held = wait_private_reply(app, 2)[-1]
    assert "1 件を保全しました" in held
    with app.deps.sessions() as session:
        stored = session.get(Case, case.id)
        assert stored is not None and (stored.legal_hold, stored.legal_hold_by) == (True, DESK)
    assert ("legal_hold", DESK) in events()
