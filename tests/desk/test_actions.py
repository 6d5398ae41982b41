"""Desk actions end to end: signed clicks and modal submits in, what Slack and the database hold."""

from __future__ import annotations

import threading
from typing import Any

from sqlalchemy import select

from bot.desk import ids
from storage.models import Case, OutboxMessage
from tests.desk_support import (
    actions_of,
    audit,
    buttons,
    case_message,
    click,
    click_payload,
    load,
    open_modal,
    private_replies,
    report,
    submit,
    text_of,
    thread_texts,
    wait_private_reply,
    wait_thread,
)
from tests.harness import DESK_CHANNEL, DESK_STAFF, OUTSIDER, REPORTER_EN, REPORTER_JA, AppHarness

LEAD, OTHER = DESK_STAFF


def wait_dm(app: AppHarness, user_id: str, count: int) -> list[str]:
    app.slack.wait_for(lambda: len(app.slack.dms(user_id)) >= count, timeout=10)
    return [text_of(message) for message in app.slack.dms(user_id)]


def desk_buttons(message: dict[str, Any]) -> dict[str, str]:
    """The desk workflow's buttons (the check-in feature adds its own to the same message)."""
    return {k: v for k, v in buttons(message).items() if k.startswith("desk_")}


def test_acknowledge_updates_everything_in_one_go(app: AppHarness) -> None:
    case = report(app, REPORTER_JA)
    assert desk_buttons(case_message(app, case)) == {
        ids.ACKNOWLEDGE_ACTION: f"{case.id}:1",
        ids.ASSIGN_ACTION: f"{case.id}:1",
        ids.ESCALATE_ACTION: f"{case.id}:1",
        ids.NOTE_ACTION: f"{case.id}:1",
    }
    click(app, case, ids.ACKNOWLEDGE_ACTION, LEAD)

    texts = wait_thread(app, case, lambda t: any("案件を確認しました" in x for x in t))
    assert f"<@{LEAD}>" in texts[-1]
    stored = load(app, case.id)
    assert (stored.status, stored.version, stored.assignee_user_id) == ("acknowledged", 2, LEAD)
    assert stored.acknowledged_at is not None and stored.sla_due_at is None  # SLA stopped
    event = audit(app, case.id)[-1]
    assert (event.action, event.actor_user_id) == ("acknowledge", LEAD)
    assert event.before is not None and event.after is not None
    assert (event.before["status"], event.after["status"]) == ("new", "acknowledged")
    assert (event.before["version"], event.after["version"]) == (1, 2)

    # The case message is re-rendered in place: the buttons of the new state, the new version.
    app.slack.wait_for(
        lambda: ids.RESOLVE_ACTION in buttons(case_message(app, load(app, case.id))), timeout=10
    )
    message = case_message(app, case)
    assert ids.ACKNOWLEDGE_ACTION not in buttons(message)
    assert set(desk_buttons(message).values()) == {f"{case.id}:2"}
    assert "確認済み" in text_of(message)

    # The reporter hears it in Japanese, naming who has it.
    dms = wait_dm(app, REPORTER_JA, 2)
    assert "窓口で受け付けました" in dms[-1] and f"<@{LEAD}>" in dms[-1]
    assert private_replies(app) == []


def test_someone_outside_the_desk_is_refused_politely_and_audited(app: AppHarness) -> None:
    case = report(app, REPORTER_EN)
    click(app, case, ids.ACKNOWLEDGE_ACTION, OUTSIDER)
    replies = wait_private_reply(app)
    assert "only members of the consultation desk" in replies[0]
    stored = load(app, case.id)
    assert (stored.status, stored.version) == ("new", 1)
    denied = audit(app, case.id)[-1]
    assert (denied.action, denied.actor_user_id) == ("denied:acknowledge", OUTSIDER)

    opens = len(app.slack.calls_to("views.open"))
    click(app, case, ids.ASSIGN_ACTION, OUTSIDER)
    wait_private_reply(app, 2)
    assert len(app.slack.calls_to("views.open")) == opens  # no modal, no case details
    assert actions_of(app, case.id)[-1] == "denied:assign"

    # A modal opened by a desk member and submitted by someone who is not: refused too.
    view = open_modal(app, case, ids.NOTE_ACTION, LEAD)
    answer = submit(app, view, {ids.NOTE_BLOCK: "sneaky"}, OUTSIDER)
    assert answer is not None and answer["response_action"] == "update"
    assert "only members of the consultation desk" in text_of(answer["view"])
    assert actions_of(app, case.id)[-1] == "denied:note"
    assert "sneaky" not in " ".join(thread_texts(app, case))
    # Someone removed from the desk channel loses access at once.
    app.slack.channels["C0DESK0001"].members.remove(OTHER)
    app.sender.event({"type": "member_left_channel", "user": OTHER, "channel": "C0DESK0001"})
    app.slack.wait_for(lambda: not app.deps.staff.is_staff(OTHER))
    click(app, case, ids.ACKNOWLEDGE_ACTION, OTHER)
    app.slack.wait_for(lambda: actions_of(app, case.id)[-1] == "denied:acknowledge", timeout=10)
    assert load(app, case.id).status == "new"


def test_two_desk_members_clicking_at_once_one_wins_the_other_is_told(app: AppHarness) -> None:
    case = report(app, REPORTER_EN)
    first = click_payload(app, case, ids.ACKNOWLEDGE_ACTION, LEAD)
    second = click_payload(app, case, ids.ACKNOWLEDGE_ACTION, OTHER)
    assert first["actions"][0]["value"] == second["actions"][0]["value"] == f"{case.id}:1"
    barrier = threading.Barrier(2)

    def send(payload: dict) -> None:
        barrier.wait()
        assert app.sender.interaction(payload).status == 200

    threads = [threading.Thread(target=send, args=(p,)) for p in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    replies = wait_private_reply(app)
    app.slack.wait_for(lambda: "acknowledge" in actions_of(app, case.id), timeout=10)
    acknowledged = [e for e in audit(app, case.id) if e.action == "acknowledge"]
    assert len(acknowledged) == 1
    winner = acknowledged[0].actor_user_id
    loser = OTHER if winner == LEAD else LEAD
    assert len(replies) == 1
    # The loser is told who won (in their language: desk staff are ja-JP).
    assert f"<@{winner}>" in replies[0] and "確認したため" in replies[0]
    assert load(app, case.id).version == 2
    assert load(app, case.id).assignee_user_id == winner
    assert loser not in {e.actor_user_id for e in acknowledged}


def test_a_stale_button_is_refused_with_who_changed_it(app: AppHarness) -> None:
    case = report(app, REPORTER_JA)
    stale = click_payload(app, case, ids.ACKNOWLEDGE_ACTION, OTHER)
    click(app, case, ids.ACKNOWLEDGE_ACTION, LEAD)
    app.slack.wait_for(lambda: load(app, case.id).version == 2, timeout=10)
    app.sender.interaction(stale)
    replies = wait_private_reply(app)
    assert f"<@{LEAD}>" in replies[0]
    assert actions_of(app, case.id).count("acknowledge") == 1


def test_every_transition_is_audited_and_reported(app: AppHarness) -> None:
    case = report(app, REPORTER_EN, preferences=["checkins"], police=["police_ok"])

    # Assign: a modal with a user picker; only desk members may be chosen.
    view = open_modal(app, case, ids.ASSIGN_ACTION, LEAD)
    assert view["callback_id"] == ids.ASSIGN_VIEW
    answer = submit(app, view, {ids.ASSIGNEE_BLOCK: OUTSIDER}, LEAD)
    assert answer is not None and answer["response_action"] == "errors"
    assert ids.ASSIGNEE_BLOCK in answer["errors"]
    assert load(app, case.id).assignee_user_id is None
    assert submit(app, view, {ids.ASSIGNEE_BLOCK: OTHER}, LEAD) is None  # closes the modal
    stored = load(app, case.id)
    assert (stored.status, stored.assignee_user_id, stored.version) == ("acknowledged", OTHER, 2)
    wait_thread(app, case, lambda t: any(f"担当者を <@{OTHER}>" in x for x in t))
    dms = wait_dm(app, REPORTER_EN, 2)
    assert "Someone at the desk has your report" in dms[-1]

    # Escalate to the police (the reporter agreed, so they are told; the note is not).
    view = open_modal(app, case, ids.ESCALATE_ACTION, OTHER)
    assert "警察への相談に同意しています" in text_of(view)
    note = "Called 110 at 14:05 <!channel> & asked for a patrol"
    submit(app, view, {ids.ESCALATE_TO_BLOCK: "police", ids.NOTE_BLOCK: note}, OTHER)
    assert load(app, case.id).status == "escalated"
    texts = wait_thread(app, case, lambda t: any("「警察」へ" in x for x in t))
    line = next(x for x in texts if "「警察」へ" in x)  # the police checklist follows it
    assert "&lt;!channel&gt; &amp; asked" in line and "<!channel>" not in line
    dms = wait_dm(app, REPORTER_EN, 3)
    assert "involved the police" in dms[-1]
    assert "110" not in dms[-1] and "patrol" not in dms[-1]

    # Add note: only in the thread and the audit trail.
    view = open_modal(app, case, ids.NOTE_ACTION, LEAD)
    submit(app, view, {ids.NOTE_BLOCK: "Store manager informed"}, LEAD)
    wait_thread(app, case, lambda t: any("Store manager informed" in x for x in t))
    assert load(app, case.id).version == 3  # notes do not change the state's version

    # Resolve with an outcome.
    view = open_modal(app, case, ids.RESOLVE_ACTION, LEAD)
    submit(app, view, {ids.OUTCOME_BLOCK: "banned", ids.NOTE_BLOCK: "Banned for 1 year"}, LEAD)
    stored = load(app, case.id)
    assert (stored.status, stored.resolution) == ("resolved", "banned")
    wait_thread(app, case, lambda t: any("出入禁止" in x for x in t))
    dms = wait_dm(app, REPORTER_EN, 4)
    closed = next(dm for dm in dms if "closed your report" in dm)  # the survey DM may follow
    assert "Banned" not in closed and "Store manager" not in " ".join(dms)

    # Reopen.
    app.slack.wait_for(
        lambda: ids.REOPEN_ACTION in buttons(case_message(app, load(app, case.id))), timeout=10
    )
    click(app, case, ids.REOPEN_ACTION, OTHER)
    app.slack.wait_for(lambda: load(app, case.id).status == "acknowledged", timeout=10)
    wait_thread(app, case, lambda t: any("再開しました" in x for x in t))
    assert load(app, case.id).resolution is None

    events = [e for e in audit(app, case.id) if not e.action.startswith("denied")]
    assert [e.action for e in events] == [
        "reported",
        "assign",
        "escalate",
        "note",
        "resolve",
        "reopen",
    ]
    assert all(e.before is not None and e.after is not None for e in events[1:])
    escalated, resolved = events[2], events[4]
    assert escalated.note == note and (escalated.after or {})["escalated_to"] == "police"
    assert (resolved.before or {})["status"] == "escalated"
    assert (resolved.after or {})["status"] == "resolved"
    # One timeline line per change, and the reporter heard exactly the three milestones (and,
    # unless the reopen came first, the closing survey).
    assert len(wait_thread(app, case, lambda t: len(t) >= 5)) >= 5
    dms = [text_of(dm) for dm in app.slack.dms(REPORTER_EN)]
    assert len([dm for dm in dms if "handling_survey_open" not in dm]) == 4


def test_police_escalation_without_consent_is_not_sent_to_the_reporter(app: AppHarness) -> None:
    case = report(app, REPORTER_JA)
    click(app, case, ids.ACKNOWLEDGE_ACTION, LEAD)
    app.slack.wait_for(lambda: load(app, case.id).version == 2, timeout=10)
    wait_dm(app, REPORTER_JA, 2)
    app.slack.wait_for(
        lambda: (
            buttons(case_message(app, load(app, case.id))).get(ids.ESCALATE_ACTION)
            == f"{case.id}:2"
        ),
        timeout=10,
    )
    view = open_modal(app, case, ids.ESCALATE_ACTION, LEAD)
    assert "同意していません" in text_of(view)
    submit(app, view, {ids.ESCALATE_TO_BLOCK: "police"}, LEAD)
    wait_thread(app, case, lambda t: any("「警察」へ" in x for x in t))
    assert len(app.slack.dms(REPORTER_JA)) == 2


def test_impossible_transitions_are_explained_and_change_nothing(app: AppHarness) -> None:
    case = report(app, REPORTER_EN)
    # Buttons the state does not offer, sent anyway (an old client, a crafted payload).
    click(app, case, ids.REOPEN_ACTION, LEAD, value=f"{case.id}:1")
    replies = wait_private_reply(app)
    assert "再開できるのは対応完了の案件だけです" in replies[-1]
    click(app, case, ids.RESOLVE_ACTION, LEAD, value=f"{case.id}:1")
    replies = wait_private_reply(app, 2)
    assert "まず案件を確認してください" in replies[-1]
    click(app, case, ids.ACKNOWLEDGE_ACTION, LEAD, value="garbage")
    replies = wait_private_reply(app, 3)
    assert "読み取れませんでした" in replies[-1]
    stored = load(app, case.id)
    assert (stored.status, stored.version) == ("new", 1)
    assert actions_of(app, case.id) == ["reported"]
    with app.deps.sessions() as session:
        kinds = set(session.scalars(select(OutboxMessage.kind)))
    assert "desk.timeline" not in kinds  # no timeline line: nothing happened


def test_timeline_waits_for_the_case_message(app: AppHarness) -> None:
    """A change made before the case message exists reaches the thread once the ts is known."""
    app.slack.fail("chat.postMessage", error="not_in_channel", times=None)
    view = app.open_report_form(REPORTER_EN)
    app.submit_report(view, user_id=REPORTER_EN)
    case = app.slack.wait_for(lambda: cases_of(app), timeout=10)[0]
    payload = app.sender.block_actions(
        ids.ACKNOWLEDGE_ACTION,
        value=f"{case.id}:1",
        user_id=LEAD,
        channel_id=DESK_CHANNEL,
        message_ts="1.000001",
    )
    assert app.sender.interaction(payload).status == 200
    app.slack.wait_for(lambda: load(app, case.id).status == "acknowledged", timeout=10)
    app.slack.clear_faults()
    posted = app.slack.wait_for(lambda: load(app, case.id).desk_message_ts, timeout=20)
    assert posted
    wait_thread(
        app,
        load(app, case.id),
        lambda t: any("acknowledged" in x or "確認しました" in x for x in t),
        timeout=20,
    )
    message = case_message(app, load(app, case.id))
    assert ids.ACKNOWLEDGE_ACTION not in buttons(message)


def cases_of(app: AppHarness) -> list[Case]:
    with app.deps.sessions() as session:
        return list(session.scalars(select(Case)))
