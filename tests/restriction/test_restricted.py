"""Restricted cases end to end: signed clicks and submits in; what each person received from the
app (channel message, thread, ephemeral answers, App Home, DMs) and what the database holds."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select, text

from bot.access import ids as access_ids
from bot.desk import ids as desk_ids
from bot.restriction import ids
from bot.standin import SlackStandIn
from bot.stats.figures import Month
from storage.models import AccessRequest, CaseEvent
from tests.desk_support import (
    buttons,
    case_message,
    click,
    load,
    open_modal,
    report,
    submit,
    text_of,
    thread,
)
from tests.harness import DESK_CHANNEL, DESK_STAFF, AppHarness, populate_workspace
from tests.home.test_home import open_home

LEAD, HANDLER = DESK_STAFF
OTHER = "U0DESK0003"  # a desk member who is not a handler
MARKER = "MARKER-7f3a"
CATEGORY = "sexual"


@pytest.fixture
def slack() -> Iterator[SlackStandIn]:
    with SlackStandIn() as standin:
        populate_workspace(standin)
        standin.add_user(OTHER, "other", tz="Asia/Tokyo", locale="ja-JP")
        standin.channels[DESK_CHANNEL].members.append(OTHER)
        yield standin


@pytest.fixture
def app(slack: SlackStandIn, database_url: str) -> Iterator[AppHarness]:
    with AppHarness(slack, database_url, env_overrides={"DESK_LEADS": LEAD}) as harness:
        yield harness


def file_report(app: AppHarness, **values: Any) -> Any:
    return report(
        app,
        narrative=f"The customer said {MARKER} twice.",
        categories=[CATEGORY],
        demands=f"demand {MARKER}",
        **values,
    )


def forbidden(app: AppHarness) -> list[str]:
    labels = [app.deps.guidance.category_label(CATEGORY, lang) for lang in ("ja", "en")]
    return [MARKER, *labels]


def assert_nothing_shown(app: AppHarness, received: str) -> None:
    for needle in forbidden(app):
        assert needle not in received


def refusals(app: AppHarness, user_id: str) -> list[CaseEvent]:
    with app.deps.sessions() as session:
        query = select(CaseEvent).where(
            CaseEvent.actor_user_id == user_id, CaseEvent.action.like("denied:%")
        )
        return list(session.scalars(query))


def wait_refused(app: AppHarness, user_id: str, action: str) -> None:
    def found() -> bool:
        return action in {event.action for event in refusals(app, user_id)}

    app.slack.wait_for(found, timeout=10)


def restrict(app: AppHarness, case: Any, handlers: list[str]) -> None:
    view = open_modal(app, case, desk_ids.button_id("restrict"), LEAD)
    assert submit(app, view, {desk_ids.HANDLERS_BLOCK: handlers}, LEAD) is None
    app.slack.wait_for(lambda: set(buttons(case_message(app, case))) == {ids.ASK_ACTION})


def open_from_home(app: AppHarness, case: Any, action_id: str, user_id: str) -> dict[str, Any]:
    """Click a desk button on the App Home (its value is the case's current id:version)."""
    before = len(app.slack.calls_to("views.open"))
    value = f"{case.id}:{load(app, case.id).version}"
    click(app, case, action_id, user_id, value=value)
    app.slack.wait_for(lambda: len(app.slack.calls_to("views.open")) > before, timeout=10)
    return dict(app.slack.calls_to("views.open")[-1].response["view"])


def home_of(app: AppHarness, user_id: str, *needles: str) -> dict[str, Any]:
    before = len([c for c in app.slack.calls_to("views.publish") if c.args["user_id"] == user_id])
    open_home(app, user_id)

    def published() -> dict[str, Any] | None:
        calls = [c for c in app.slack.calls_to("views.publish") if c.args["user_id"] == user_id]
        if len(calls) <= before:
            return None
        view = app.slack.home_view(user_id)
        text = json.dumps(view, ensure_ascii=False)
        return view if view and all(n in text for n in needles) else None

    return app.slack.wait_for(published, timeout=10)


def home_buttons(view: dict[str, Any]) -> set[str]:
    return {
        element["action_id"]
        for block in view.get("blocks", [])
        if block.get("type") == "actions"
        for element in block["elements"]
    }


def forge_every_desk_action(app: AppHarness, case: Any, user_id: str) -> None:
    stored = load(app, case.id)
    for action in ("acknowledge", "reopen", "unrestrict"):
        click(app, case, desk_ids.button_id(action), user_id, value=f"{case.id}:{stored.version}")
    for action in ("assign", "escalate", "note", "resolve", "restrict"):
        click(app, case, desk_ids.button_id(action), user_id, value=f"{case.id}:{stored.version}")
    # The other features' buttons on a case: the conversation, the customer register, check-ins.
    for action_id in OTHER_CASE_ACTIONS:
        click(app, case, action_id, user_id, value=str(case.id))


# Each feature's button that acts on a case, and the refusal it audits.
OTHER_CASE_ACTIONS = {
    "conv_message_reporter": "denied:conv_message_reporter",
    "conv_ask_name": "denied:conv_ask_name",
    "customer_link": "denied:customer_link",
    "checkin_desk_extra": "denied:checkin_desk_extra",
}


def assert_every_forgery_refused(app: AppHarness, user_id: str) -> None:
    for action in ("acknowledge", "reopen", "unrestrict", "assign", "note", "restrict"):
        wait_refused(app, user_id, f"denied:{action}")
    for refusal in OTHER_CASE_ACTIONS.values():
        wait_refused(app, user_id, refusal)


def everything_received_by(app: AppHarness, user_id: str) -> str:
    """Ephemeral answers, DMs and the App Home the app sent to `user_id`."""
    parts = [str(call.args) for call in app.slack.calls_to("response_url")]
    parts += [str(c.args) for c in app.slack.calls_to("chat.postEphemeral")]
    parts += [text_of(message) for message in app.slack.dms(user_id)]
    parts += [json.dumps(app.slack.home_view(user_id) or {}, ensure_ascii=False)]
    return "\n".join(parts)


def test_a_restricted_case_shows_others_a_notice_and_refuses_their_clicks(app: AppHarness) -> None:
    case = file_report(app)
    assert MARKER in text_of(case_message(app, case))  # before: every desk member sees it
    assert desk_ids.button_id("restrict") in buttons(case_message(app, case))
    restrict(app, case, [HANDLER])

    notice = case_message(app, case)
    assert f"<@{HANDLER}>" in text_of(notice) and load(app, case.id).reference in text_of(notice)
    assert_nothing_shown(app, text_of(notice))

    # A handler acts from the App Home: the case with its buttons; the channel stays a notice.
    handler_home = home_of(app, HANDLER, load(app, case.id).reference)
    assert desk_ids.NOTE_ACTION in home_buttons(handler_home)
    note = open_from_home(app, case, desk_ids.NOTE_ACTION, HANDLER)
    submit(app, note, {desk_ids.NOTE_BLOCK: f"note {MARKER}"}, HANDLER)
    app.slack.wait_for(lambda: len(thread(app, case)) >= 3, timeout=10)

    # The handler reads the case from the App Home too (the notice has no Open case button).
    assert access_ids.OPEN_CASE_ACTION in home_buttons(handler_home)
    opened = len(app.slack.calls_to("views.open"))
    click(app, case, access_ids.OPEN_CASE_ACTION, HANDLER, value=str(case.id))
    app.slack.wait_for(lambda: len(app.slack.calls_to("views.open")) > opened, timeout=10)
    reader = app.slack.calls_to("views.open")[-1].response["view"]
    assert MARKER in json.dumps(reader, ensure_ascii=False)

    # Someone else on the desk: every forged action refused and audited, nothing shown.
    forge_every_desk_action(app, case, OTHER)
    assert_every_forgery_refused(app, OTHER)
    opened = len(app.slack.calls_to("views.open"))
    click(app, case, access_ids.OPEN_CASE_ACTION, OTHER, value=str(case.id))
    wait_refused(app, OTHER, "denied:open_case")
    assert len(app.slack.calls_to("views.open")) == opened
    other_home = home_of(app, OTHER)
    assert load(app, case.id).reference not in json.dumps(other_home)
    assert home_buttons(other_home) & {desk_ids.NOTE_ACTION, desk_ids.ACKNOWLEDGE_ACTION} == set()
    assert_nothing_shown(app, everything_received_by(app, OTHER))
    # The channel message and every thread post since the restriction carry nothing either.
    assert_nothing_shown(app, text_of(case_message(app, case)))
    latest = thread(app, case)[-1]
    assert_nothing_shown(app, text_of(latest))
    assert load(app, case.id).status == "new"  # nothing the refused clicks did


def test_a_restriction_set_while_a_modal_is_open_refuses_its_submit(app: AppHarness) -> None:
    case = file_report(app)
    view = open_modal(app, case, desk_ids.NOTE_ACTION, OTHER)  # allowed: not restricted yet
    restrict(app, case, [HANDLER])
    answer = submit(app, view, {desk_ids.NOTE_BLOCK: f"late {MARKER}"}, OTHER)
    assert answer is not None and answer["response_action"] == "update"
    assert "閲覧制限" in json.dumps(answer, ensure_ascii=False)
    assert "denied:note" in {e.action for e in refusals(app, OTHER)}
    with app.deps.sessions() as session:
        notes = session.scalars(select(CaseEvent).where(CaseEvent.action == "note")).all()
    assert notes == []


def decision_buttons(app: AppHarness, count: int) -> dict[str, str]:
    app.slack.wait_for(lambda: len(app.slack.dms(LEAD)) >= count, timeout=10)
    return buttons(app.slack.dms(LEAD)[-1])


def test_ask_for_access_declined_then_approved(app: AppHarness) -> None:
    case = file_report(app)
    restrict(app, case, [HANDLER])
    click(app, case, ids.ASK_ACTION, OTHER, value=str(case.id))
    first = decision_buttons(app, 1)
    assert set(first) == {ids.APPROVE_ACTION, ids.DECLINE_ACTION}
    assert_nothing_shown(app, text_of(app.slack.dms(LEAD)[-1]))
    # A forged approval by the asker is refused and audited.
    click(app, case, ids.APPROVE_ACTION, OTHER, value=first[ids.APPROVE_ACTION])
    click(app, case, ids.DECLINE_ACTION, LEAD, value=first[ids.DECLINE_ACTION])
    app.slack.wait_for(lambda: any("却下" in text_of(m) for m in app.slack.dms(OTHER)), timeout=10)
    wait_refused(app, OTHER, "denied:decide_access")

    click(app, case, ids.ASK_ACTION, OTHER, value=str(case.id))
    second = decision_buttons(app, 2)
    click(app, case, ids.APPROVE_ACTION, LEAD, value=second[ids.APPROVE_ACTION])
    app.slack.wait_for(lambda: any("承認" in text_of(m) for m in app.slack.dms(OTHER)), timeout=10)
    with app.deps.sessions() as session:
        statuses = [
            r.status for r in session.scalars(select(AccessRequest).order_by(AccessRequest.id))
        ]
        audited = [
            e.action for e in session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id))
        ]
    assert statuses == ["declined", "approved"]
    assert audited.count("access_requested") == 2
    assert "access_declined" in audited and "access_approved" in audited
    # Now a handler: the notice names them, and their click goes through.
    app.slack.wait_for(lambda: f"<@{OTHER}>" in text_of(case_message(app, case)), timeout=10)
    click(app, case, desk_ids.ACKNOWLEDGE_ACTION, OTHER, value=f"{case.id}:1")
    app.slack.wait_for(lambda: load(app, case.id).status == "acknowledged", timeout=10)
    assert_nothing_shown(app, text_of(case_message(app, case)))


def test_a_member_the_reporter_excluded_never_sees_the_case(app: AppHarness) -> None:
    case = file_report(app, excluded=[OTHER, LEAD])
    # Whom the reporter named is sealed with the case's key: the table holds no user id.
    with app.deps.sessions() as session:
        stored = session.execute(text("SELECT case_id, user_id FROM case_exclusions")).all()
    assert len(stored) == 2 and {row.case_id for row in stored} == {case.id}
    assert not {row.user_id for row in stored} & {OTHER, LEAD}
    assert all(OTHER not in row.user_id and LEAD not in row.user_id for row in stored)
    message = case_message(app, case)
    assert set(buttons(message)) == {ids.ASK_ACTION}  # a notice from the first post on
    assert_nothing_shown(app, text_of(message))
    for person in (OTHER, LEAD):  # not even a lead
        forge_every_desk_action(app, case, person)
        click(app, case, ids.ASK_ACTION, person, value=str(case.id))
        wait_refused(app, person, "denied:ask_access")
        assert_every_forgery_refused(app, person)
        home = home_of(app, person)
        assert load(app, case.id).reference not in json.dumps(home)
    assert_nothing_shown(app, everything_received_by(app, OTHER))
    # The member not named sees it on the App Home, with its buttons.
    home = home_of(app, HANDLER, load(app, case.id).reference)
    assert desk_ids.ACKNOWLEDGE_ACTION in home_buttons(home)
    assert load(app, case.id).status == "new"


def test_a_handler_who_leaves_the_desk_no_longer_sees_the_case(app: AppHarness) -> None:
    case = file_report(app)
    restrict(app, case, [HANDLER])
    app.slack.remove_member(DESK_CHANNEL, HANDLER)
    app.sender.event(
        {
            "type": "member_left_channel",
            "user": HANDLER,
            "channel": DESK_CHANNEL,
            "channel_type": "G",
            "team": SlackStandIn.TEAM_ID,
        }
    )
    click(app, case, desk_ids.ACKNOWLEDGE_ACTION, HANDLER, value=f"{case.id}:1")
    wait_refused(app, HANDLER, "denied:acknowledge")
    assert load(app, case.id).status == "new"


def command(app: AppHarness, text: str, user_id: str) -> str:
    response = app.sender.command("/harassment", text, user_id=user_id, channel_id="C0GENERAL1")
    assert response.status == 200, response.text
    return str(response.json()["text"])


def exported(app: AppHarness, user_id: str, args: str) -> str:
    """`/harassment export …` as `user_id`: the CSV uploaded to their DM."""
    before = len([f for m in app.slack.dms(user_id) for f in m.get("files", [])])
    command(app, f"export {args}", user_id)

    def uploaded() -> list[dict[str, Any]] | None:
        files = [f for m in app.slack.dms(user_id) for f in m.get("files", [])]
        return files if len(files) > before else None

    data = app.slack.file_bytes(app.slack.wait_for(uploaded, timeout=20)[-1]["id"])
    assert data is not None
    return data.decode("utf-8")


def test_figures_count_it_but_leave_it_out_of_detail_and_exports_list_it(
    app: AppHarness,
) -> None:
    open_case = report(app, categories=["mental"])
    case = file_report(app)
    restrict(app, case, [HANDLER])
    now = app.deps.clock.now()
    month = str(Month.of(now.astimezone(app.deps.settings.desk_hours.tz).date()))

    # The monthly figures: counted in the total, left out of every breakdown.
    command(app, f"stats {month}", OTHER)

    def report_post() -> str | None:
        posts = [m for m in app.slack.messages(DESK_CHANNEL) if "月次報告" in m.get("text", "")]
        return text_of(posts[-1]) if posts else None

    post = app.slack.wait_for(report_post, timeout=20)
    assert "閲覧制限のある案件" in post and "<3" in post
    assert_nothing_shown(app, post)
    assert app.deps.guidance.category_label("mental", "ja") in post

    # The export: listed (reference, date, status) for someone who may not see it, in full
    # (with its text) for a lead who asks.
    other = exported(app, OTHER, month)
    assert load(app, case.id).reference in other and load(app, open_case.id).reference in other
    assert_nothing_shown(app, other)
    lead = exported(app, LEAD, f"{month} --with-text")
    assert MARKER in lead and app.deps.guidance.category_label(CATEGORY, "ja") in lead


def test_naming_the_whole_desk_tells_the_leads_by_reference_only(app: AppHarness) -> None:
    case = file_report(app, excluded=[LEAD, HANDLER, OTHER])
    reference = load(app, case.id).reference
    app.slack.wait_for(lambda: any(reference in text_of(m) for m in app.slack.dms(LEAD)))
    told = text_of(app.slack.dms(LEAD)[-1])
    assert_nothing_shown(app, told)
    for person in (HANDLER, OTHER):
        assert person not in told  # nobody is shown whom the reporter named
    assert "exclusions_cover_desk" in {event.action for event in audit_of(app, case.id)}
    for person in (LEAD, HANDLER, OTHER):
        home = home_of(app, person)
        assert reference not in json.dumps(home)


def audit_of(app: AppHarness, case_id: int) -> list[CaseEvent]:
    with app.deps.sessions() as session:
        return list(session.scalars(select(CaseEvent).where(CaseEvent.case_id == case_id)))


def test_a_reporter_in_danger_still_gets_the_urgent_mention(app: AppHarness) -> None:
    case = file_report(app, excluded=[OTHER], in_danger="yes")
    notice = text_of(case_message(app, case))
    assert app.deps.settings.desk_mention_mrkdwn in notice and "緊急" in notice
    assert_nothing_shown(app, notice)
    assert set(buttons(case_message(app, case))) == {ids.ASK_ACTION}
