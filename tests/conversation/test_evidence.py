"""Evidence from the reporter's DM thread: copied by the bot into the case thread, metadata
stripped, hashed, refused with a clear reply when Slack's limits or our types say no."""

from __future__ import annotations

import hashlib
import io
import json

import pytest
from PIL import Image
from sqlalchemy import select

from bot.standin import SlackStandIn
from storage.models import OutboxMessage
from tests.conversation_support import (
    dm_channel,
    evidence_of,
    file_report,
    jpeg_with_gps,
    png_bytes,
    reacted,
    receipt,
    wait_dm_text,
    wait_thread_text,
)
from tests.desk_support import thread
from tests.evidence_files import AUTHOR, mp3_with_tags, pdf_with_author
from tests.harness import DESK_CHANNEL, REPORTER_JA, AppHarness, populate_workspace


def copies_in_thread(app: AppHarness, case) -> list[dict]:
    return [f for m in thread(app, case) for f in m.get("files", [])]


def settled(app: AppHarness, case, count: int = 1) -> list:
    """The case's evidence rows once `count` of them are recorded as copied."""

    def done() -> list | None:
        rows = evidence_of(app, case.id)
        return rows if sum(r.status == "copied" for r in rows) >= count else None

    return app.slack.wait_for(done, timeout=30)


def test_a_photo_reaches_the_case_thread_as_the_bots_copy_without_gps(app: AppHarness) -> None:
    case = file_report(app, identity="anonymous")
    root = receipt(app)
    original = jpeg_with_gps()
    photo = app.slack.add_file(REPORTER_JA, "hanako_receipt.jpg", original, mimetype="image/jpeg")
    _, sent = app.sender.send_dm(REPORTER_JA, "写真です", thread_ts=root["ts"], files=[photo])
    wait_thread_text(app, case, "写真です")
    [copy] = app.slack.wait_for(lambda: copies_in_thread(app, case), timeout=30)
    assert copy["user"] == app.slack.BOT_USER_ID  # the desk never sees the reporter upload it
    data = app.slack.file_bytes(copy["id"])
    assert data is not None and data != original
    with Image.open(io.BytesIO(data)) as image:
        assert dict(image.getexif()) == {} and image.size == (64, 48)
    [row] = settled(app, case)
    assert row.status == "copied" and row.metadata_stripped
    assert row.sha256 == hashlib.sha256(original).hexdigest()
    assert row.copy_sha256 == hashlib.sha256(data).hexdigest()
    assert row.copy_file_id == copy["id"] and row.size == len(original)
    comment = wait_thread_text(app, case, row.sha256)
    assert "位置情報などのメタデータを削除" in comment
    downloads = app.slack.calls_to("files.download")
    assert downloads and all(c.token == app.slack.bot_token for c in downloads)
    app.slack.wait_for(lambda: reacted(app, dm_channel(), sent["ts"]), timeout=30)


def test_refused_files_get_a_clear_reply(app: AppHarness) -> None:
    case = file_report(app)
    root = receipt(app)
    files = [app.slack.add_file(REPORTER_JA, "empty.txt", b"")]
    files.append(app.slack.add_file(REPORTER_JA, "tool.exe", b"MZ..."))
    big = app.slack.add_file(REPORTER_JA, "video.mp4", b"x")
    big["size"] = 10 * 1024 * 1024 + 1  # Slack reports the size; we never download it
    files.append(big)
    files += [app.slack.add_file(REPORTER_JA, f"p{i}.png", png_bytes()) for i in range(8)]
    assert len(files) == 11
    app.sender.send_dm(REPORTER_JA, "まとめて送ります", thread_ts=root["ts"], files=files)
    reply = wait_dm_text(app, "次のファイルは相談窓口にお送りできませんでした")
    text = json.dumps(reply, ensure_ascii=False)
    for expected in ("empty.txt", "ファイルが空です", "tool.exe", "この種類のファイル",
                     "video.mp4", "10 MB を超えています", "p7.png", "10件まで"):  # fmt: skip
        assert expected in text
    wait_thread_text(app, case, "相談者からのファイルを受け付けませんでした")
    app.slack.wait_for(lambda: len(copies_in_thread(app, case)) == 7, timeout=30)
    rows = settled(app, case, 7)
    assert [r.status for r in rows].count("copied") == 7
    assert {r.refusal for r in rows if r.status == "refused"} == {
        "empty",
        "type",
        "too_large",
        "too_many",
    }


def test_a_failed_download_is_retried_and_the_text_goes_at_once(app: AppHarness) -> None:
    case = file_report(app)
    root = receipt(app)
    app.slack.fail("files.download", status=500, times=1)
    pdf = app.slack.add_file(
        REPORTER_JA, "quote.pdf", pdf_with_author(), mimetype="application/pdf"
    )
    app.sender.send_dm(REPORTER_JA, "見積書です", thread_ts=root["ts"], files=[pdf])
    wait_thread_text(app, case, "見積書です")
    [copy] = app.slack.wait_for(lambda: copies_in_thread(app, case), timeout=30)
    copied = app.slack.file_bytes(copy["id"])
    assert copied is not None and copied.startswith(b"%PDF") and AUTHOR.encode() not in copied
    assert [c.status for c in app.slack.calls_to("files.download")] == [500, 200]
    [row] = settled(app, case)
    with app.deps.sessions() as session:
        job = session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == "evidence.copy")
        ).one()
        assert job.attempts == 2 and job.status == "done"
    assert row.status == "copied" and row.metadata_stripped


@pytest.fixture
def slow_downloads(database_url: str):
    with SlackStandIn() as slack:
        populate_workspace(slack)
        with AppHarness(slack, database_url, {"EVIDENCE_DOWNLOAD_TIMEOUT": "1s"}) as harness:
            yield harness


def test_a_download_that_times_out_is_retried(slow_downloads: AppHarness) -> None:
    app = slow_downloads
    case = file_report(app)
    root = receipt(app)
    app.slack.set_latency("files.download", 3.0)
    photo = app.slack.add_file(REPORTER_JA, "a.png", png_bytes())
    app.sender.send_dm(REPORTER_JA, "遅い回線から", thread_ts=root["ts"], files=[photo])
    wait_thread_text(app, case, "遅い回線から")  # the text does not wait for the file

    def timed_out() -> bool:
        with app.deps.sessions() as session:
            job = session.scalars(
                select(OutboxMessage).where(OutboxMessage.kind == "evidence.copy")
            ).one()
            return job.attempts >= 1 and job.status == "pending"

    app.slack.wait_for(timed_out, timeout=30)
    app.slack.set_latency("files.download", 0.0)
    app.slack.wait_for(lambda: copies_in_thread(app, case), timeout=30)


def test_a_file_stub_is_looked_up_with_files_info(app: AppHarness) -> None:
    case = file_report(app)
    root = receipt(app)
    real = app.slack.add_file(REPORTER_JA, "shared.png", png_bytes())
    stub = app.slack.file_stub(real["id"])
    app.sender.send_dm(REPORTER_JA, "", thread_ts=root["ts"], files=[stub])
    app.slack.wait_for(lambda: copies_in_thread(app, case), timeout=30)
    assert [c.args["file"] for c in app.slack.calls_to("files.info")] == [real["id"]]
    [row] = settled(app, case)
    assert row.name == "shared.png" and row.status == "copied"
    assert DESK_CHANNEL in row.copy_channel


def test_files_added_through_the_add_information_modal(app: AppHarness) -> None:
    from bot.conversation import ids
    from tests.conversation_support import click_dm_button
    from tests.desk_support import submit

    case = file_report(app)
    root = receipt(app)
    before = len(app.slack.calls_to("views.open"))
    click_dm_button(app, root, ids.ADD_INFO_ACTION)
    app.slack.wait_for(lambda: len(app.slack.calls_to("views.open")) > before, timeout=30)
    view = app.slack.calls_to("views.open")[-1].response["view"]
    element = view["blocks"][1]["element"]
    assert element["type"] == "file_input" and element["max_files"] == 10
    uploads = [
        app.slack.add_file(REPORTER_JA, "voice.m4a", mp3_with_tags()),
        app.slack.add_file(REPORTER_JA, "run.bat", b"@echo off"),
    ]
    assert submit(app, view, {ids.FILES_INPUT: uploads}, REPORTER_JA) is None
    wait_thread_text(app, case, "追加情報")
    [row] = [r for r in settled(app, case) if r.status == "copied"]
    assert row.name == "voice.m4a"
    reply = wait_dm_text(app, "run.bat", root["ts"])
    assert "この種類のファイル" in json.dumps(reply, ensure_ascii=False)


def test_files_on_the_report_form_become_evidence(app: AppHarness) -> None:
    view = app.open_report_form(REPORTER_JA)
    [block] = [b for b in view["blocks"] if b.get("block_id") == "evidence"]
    assert block["element"]["type"] == "file_input" and block["element"]["max_files"] == 10
    photo = app.slack.add_file(REPORTER_JA, "scene.jpg", jpeg_with_gps(), mimetype="image/jpeg")
    empty = app.slack.add_file(REPORTER_JA, "blank.pdf", b"")
    from tests.desk_support import report

    # Closed first: a second form while one is open is answered privately.
    assert app.sender.interaction(app.sender.view_closed(view, REPORTER_JA)).status == 200

    case = report(app, REPORTER_JA, identity="anonymous", evidence=[photo, empty])
    [row] = [r for r in settled(app, case) if r.status == "copied"]
    assert row.name == "scene.jpg" and row.metadata_stripped
    [copy] = copies_in_thread(app, case)
    assert copy["user"] == app.slack.BOT_USER_ID
    # An anonymous case: the desk sees a neutral name; the reporter is told of their own file.
    wait_thread_text(app, case, "evidence-2")
    assert "blank.pdf" not in json.dumps(thread(app, case), ensure_ascii=False)
    root = receipt(app)
    wait_dm_text(app, "blank.pdf", root["ts"])  # answered under the receipt
