"""Slack's own rules on what the conversation posts: a reply in a thread names the thread's
parent, and a file name (user text) reaches mrkdwn and a message's `text` only escaped.

The stand-in records a reply's ts used as a thread's parent as a violation (Slack accepts it
silently), which fails the test when the stand-in closes; these tests also look at the calls."""

from __future__ import annotations

import json

from bot.conversation import ids
from bot.standin import Call
from storage.repositories import outbox as outbox_repo
from tests.conversation_support import (
    evidence_of,
    file_report,
    png_bytes,
    receipt,
    wait_dm_text,
    wait_thread_text,
)
from tests.desk_support import report
from tests.harness import REPORTER_JA, AppHarness

REFUSED_JA = "次のファイルは相談窓口にお送りできませんでした"
# Names a reporter (or someone who sent them a file) may choose: each would be a live mention
# or a working link in mrkdwn if it went there as written.
PHISH = "<!channel> <https://evil.example/sso|Re-verify your Slack login>"
HOSTILE = (f"{PHISH}.exe", "tool <!everyone>.exe", "a & b <c> d.exe")
LIVE = ("<!channel>", "<!everyone>", "<!here>", "<https://evil.example", "<c>", "a & b")


def _shown(call: Call) -> str:
    """What a post, an update or a file share puts in front of people: `text`, the blocks,
    the file's comment."""
    args = call.args
    parts = [str(args.get("text") or ""), str(args.get("initial_comment") or "")]
    return "\n".join(parts) + json.dumps(args.get("blocks") or [], ensure_ascii=False)


def _notices(app: AppHarness, needle: str) -> list[Call]:
    return [c for c in app.slack.calls_to("chat.postMessage") if needle in _shown(c)]


def assert_nothing_live(app: AppHarness) -> None:
    methods = ("chat.postMessage", "chat.update", "files.completeUploadExternal")
    for call in [c for m in methods for c in app.slack.calls_to(m)]:
        shown = _shown(call)
        for token in LIVE:
            assert token not in shown, (call.method, token, shown)


def test_a_refusal_for_a_reply_names_the_receipt_as_its_parent(app: AppHarness) -> None:
    file_report(app)
    root = receipt(app)
    tool = app.slack.add_file(REPORTER_JA, "tool.exe", b"MZ...")
    _, reply = app.sender.send_dm(REPORTER_JA, "ツールです", thread_ts=root["ts"], files=[tool])
    wait_dm_text(app, REFUSED_JA, root["ts"])
    # A top-level DM (the reporter has one open case) with a refused file: the notice goes
    # under the receipt too, where every refusal of the case is.
    script = app.slack.add_file(REPORTER_JA, "run.bat", b"@echo off")
    app.sender.send_dm(REPORTER_JA, "もう一つ", files=[script])
    wait_dm_text(app, "run.bat", root["ts"])
    refusals = _notices(app, REFUSED_JA)
    assert len(refusals) == 2
    # Before: the first one named the reporter's own reply (reply["ts"]) as its thread.
    assert {c.args.get("thread_ts") for c in refusals} == {root["ts"]}
    assert reply["ts"] not in {c.args.get("thread_ts") for c in app.slack.calls}
    assert app.slack.violations == []


def test_hostile_file_names_reach_every_notice_escaped(app: AppHarness) -> None:
    # The report form's files: refused ones are answered under the receipt.
    form_file = app.slack.add_file(REPORTER_JA, f"{PHISH} form.exe", b"MZ")
    case = report(app, REPORTER_JA, evidence=[form_file])
    root = receipt(app, REPORTER_JA, case.reference)
    wait_dm_text(app, "form.exe", root["ts"])

    # A DM in the receipt thread: refused at intake (type), copied (its comment names it),
    # and refused when copied (an image that does not decode).
    files = [app.slack.add_file(REPORTER_JA, name, b"MZ") for name in HOSTILE]
    files.append(app.slack.add_file(REPORTER_JA, f"{PHISH} & <!here> ok.png", png_bytes()))
    # A PNG signature with nothing decodable after it: typed as a photo, refused when cleaned.
    broken = png_bytes()[:40]
    files.append(app.slack.add_file(REPORTER_JA, "broken <!here>.png", broken))
    app.sender.send_dm(REPORTER_JA, "証拠です", thread_ts=root["ts"], files=files)
    wait_dm_text(app, "a &amp; b &lt;c&gt; d.exe", root["ts"])
    wait_dm_text(app, "broken &lt;!here&gt;.png", root["ts"])
    app.slack.wait_for(
        lambda: any(r.status == "copied" for r in evidence_of(app, case.id)), timeout=30
    )
    wait_thread_text(app, case, "ok.png")

    # The "could not copy after several tries" notice, to the reporter and the desk.
    with app.deps.sessions.begin() as session:
        now = app.deps.clock.now()
        for kind, payload in (
            (
                ids.DM_NOTICE,
                {
                    "key": "conv.dm.files_failed",
                    "failed": f"{PHISH} late.png",
                    "user_id": REPORTER_JA,
                    "in_case_thread": True,
                    "locale": "ja",
                },
            ),
            (ids.DESK_LINE, {"failed": f"{PHISH} late.png"}),
        ):
            outbox_repo.enqueue(
                session,
                kind=kind,
                dedupe_key=f"test:{kind}:failed",
                case_id=case.id,
                payload=payload,
                now=now,
            )
    app.deps.outbox.kick()
    wait_dm_text(app, "late.png", root["ts"])
    wait_thread_text(app, case, "late.png")

    assert_nothing_live(app)
    escaped = "&lt;!channel&gt; &lt;https://evil.example/sso|Re-verify your Slack login&gt;"
    dm_notices = [
        c
        for c in _notices(app, REFUSED_JA) + _notices(app, "late.png")
        if str(c.args["channel"]).startswith("D")
    ]
    assert len(dm_notices) == 4  # form, intake, copy-time, could-not-copy
    for call in dm_notices:
        # The notification text and the blocks both carry the names, both escaped.
        assert "&lt;" in str(call.args["text"]), call.args["text"]
        assert "&lt;" in json.dumps(call.args["blocks"], ensure_ascii=False)
    shown = "\n".join(_shown(c) for c in dm_notices)
    for name in (
        f"{escaped}.exe",
        f"{escaped} form.exe",
        f"{escaped} late.png",
        "tool &lt;!everyone&gt;.exe",
        "a &amp; b &lt;c&gt; d.exe",
        "broken &lt;!here&gt;.png",
    ):
        assert name in shown, name
