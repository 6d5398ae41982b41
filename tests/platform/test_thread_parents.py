"""A reply is posted under its thread's parent, and `bot.slack.threads.thread_parent` is the one
way to name one: Slack accepts a reply's ts as `thread_ts` without an error (its spec only says
not to), so nothing at run time would show the mistake. The type does (mypy), and this test
holds the code to it: no Slack call takes a `thread_ts` except through the typed paths."""

from __future__ import annotations

import ast
import typing
from pathlib import Path

from bot.conversation.evidence.transfer import upload as evidence_upload
from bot.outbox import Post
from bot.slack.files import upload_file
from bot.slack.threads import ThreadParent, thread_parent

ROOT = Path(__file__).resolve().parents[2]
# Where a Slack method is called with `thread_ts` (file, callee): each takes a ThreadParent.
SLACK_CALLS_WITH_THREAD = {
    ("bot/outbox.py", "chat_postMessage"),  # Post.thread_ts
    ("bot/slack/files.py", "upload_file"),
    # The evidence copy's upload (its three steps, so the file id is recorded before the copy
    # is shared): `upload` takes the case thread's ThreadParent.
    ("bot/conversation/evidence/transfer.py", "files_completeUploadExternal"),
}
SLACK_METHODS = (
    "chat_postMessage",
    "chat_postEphemeral",
    "chat_scheduleMessage",
    "files_upload_v2",
    "files_completeUploadExternal",
    "say",
    "respond",
)


def _sources() -> list[Path]:
    return sorted([*(ROOT / "bot").rglob("*.py"), *(ROOT / "handlers").rglob("*.py")])


def _callee(node: ast.Call) -> str:
    func = node.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def test_posts_and_uploads_in_a_thread_take_a_thread_parent() -> None:
    assert typing.get_type_hints(Post)["thread_ts"] == ThreadParent | None
    assert typing.get_type_hints(upload_file)["thread_ts"] == ThreadParent | None
    assert typing.get_type_hints(evidence_upload)["thread_ts"] == ThreadParent
    assert thread_parent("2.000200", "1.000100") == "1.000100"  # a reply: its parent
    assert thread_parent("1.000100", "1.000100") == "1.000100"  # a parent names itself
    assert thread_parent("1.000100") == "1.000100"  # top level


def test_no_slack_call_takes_a_thread_ts_except_through_the_typed_paths() -> None:
    found = set()
    for path in _sources():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            callee = _callee(node)
            threaded = any(k.arg == "thread_ts" for k in node.keywords)
            if threaded and (callee in SLACK_METHODS or callee == "upload_file"):
                found.add((path.relative_to(ROOT).as_posix(), callee))
    assert found <= SLACK_CALLS_WITH_THREAD, found - SLACK_CALLS_WITH_THREAD


def test_a_thread_parent_is_made_only_by_thread_parent() -> None:
    makers = set()
    for path in _sources():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _callee(node) == "ThreadParent":
                makers.add(path.relative_to(ROOT).as_posix())
    assert makers == {"bot/slack/threads.py"}
