"""Evidence typed by its bytes, cleaned of what could identify the reporter, decoded in a capped
child, and fetched only from Slack's file host: what an attacker, a careless reporter and a
decompression bomb tried."""

from __future__ import annotations

import http.server
import io
import json
import resource
import threading
import time
import zipfile
from collections.abc import Iterator, Sequence
from typing import Any

import pytest
from PIL import Image

from bot.conversation.evidence import transfer
from bot.conversation.evidence.rules import safe_name
from tests.conversation_support import evidence_of, file_report, receipt, text_of, wait_dm_text
from tests.desk_support import thread
from tests.evidence_files import (
    AUTHOR,
    gif_bomb,
    heic_with_gps,
    jpeg_with_gps,
    m4a_with_tags,
    mp3_with_tags,
    pdf_with_a_photo,
    pdf_with_author,
    png_bomb,
    wav_with_info,
)
from tests.harness import REPORTER_JA, AppHarness

IDENTIFYING = (AUTHOR.encode(), b"Phone X", b"alex.carter", b"2026:11:30")


def bot_copies(app: AppHarness, case) -> list[dict[str, Any]]:
    return [f for m in thread(app, case) for f in m.get("files", [])]


def settled(app: AppHarness, case, count: int) -> list:
    def done() -> list | None:
        rows = evidence_of(app, case.id)
        finished = [r for r in rows if r.status != "pending"]
        return rows if len(finished) >= count else None

    return app.slack.wait_for(done, timeout=60)


def copies_when(app: AppHarness, case, count: int) -> list[dict[str, Any]]:
    def found() -> list[dict[str, Any]] | None:
        copies = bot_copies(app, case)
        return copies if len(copies) == count else None

    return app.slack.wait_for(found, timeout=30)


def send_files(app: AppHarness, case, files: Sequence[tuple[str, bytes, str | None]]) -> None:
    root = receipt(app)
    objects = [
        app.slack.add_file(REPORTER_JA, name, data, mimetype=mimetype)
        for name, data, mimetype in files
    ]
    app.sender.send_dm(REPORTER_JA, "証拠です", thread_ts=root["ts"], files=objects)


def desk_text(app: AppHarness, case) -> str:
    return json.dumps(thread(app, case), ensure_ascii=False)


def test_an_iphone_heic_and_an_untyped_jpeg_reach_the_desk_without_gps(app: AppHarness) -> None:
    case = file_report(app, identity="anonymous")
    send_files(
        app,
        case,
        [
            ("IMG_4031.HEIC", heic_with_gps(), "image/heic"),
            ("evidence", jpeg_with_gps(), "application/octet-stream"),
        ],
    )
    rows = settled(app, case, 2)
    assert [r.status for r in rows] == ["copied", "copied"] and all(
        r.metadata_stripped for r in rows
    )
    copies = copies_when(app, case, 2)
    assert sorted(c["name"] for c in copies) == ["evidence-1.jpg", "evidence-2.jpg"]
    for copy in copies:
        data = app.slack.file_bytes(copy["id"])
        assert data is not None
        with Image.open(io.BytesIO(data)) as image:
            assert image.format == "JPEG" and image.size == (64, 48)
            assert dict(image.getexif()) == {}
        assert not any(marker in data for marker in IDENTIFYING)


def office_document(macro: bool = False) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        archive.writestr("docProps/core.xml", f"<dc:creator>{AUTHOR}</dc:creator>")
        if macro:
            archive.writestr("word/vbaProject.bin", b"\xd0\xcf\x11\xe0macro")
    return out.getvalue()


def test_pdf_author_audio_tags_and_file_names_never_reach_the_desk_of_an_anonymous_case(
    app: AppHarness,
) -> None:
    case = file_report(app, identity="anonymous")
    screenshot = io.BytesIO()
    Image.new("RGB", (40, 30), (1, 2, 3)).save(screenshot, format="PNG")
    send_files(
        app,
        case,
        [
            ("alex.carter_statement.pdf", pdf_with_author(), "application/pdf"),
            ("alex.carter_voice_memo.m4a", m4a_with_tags(), "audio/mp4"),
            ("alex.carter_at_the_shop.mp3", mp3_with_tags(), "audio/mpeg"),
            ("Screenshot 2026-12-01 at 15.01.58.png", screenshot.getvalue(), "image/png"),
            ("alex.carter_call.wav", wav_with_info(), "audio/wav"),
            ("scan.pdf", pdf_with_a_photo(), "application/pdf"),
            ("alex.carter_notes.docx", office_document(), None),
            ("recording.m4a", m4a_with_tags(place=True), "audio/mp4"),
        ],
    )
    rows = settled(app, case, 8)
    assert [(r.status, r.refusal) for r in rows] == [("copied", None)] * 6 + [
        ("refused", "type"),  # Office files carry authors, revisions, comments
        ("refused", "metadata"),  # the place of recording outside the tags mutagen clears
    ]
    copies = copies_when(app, case, 6)
    names = sorted(c["name"] for c in copies)
    expected = ("1.pdf", "2.m4a", "3.mp3", "4.png", "5.wav", "6.pdf")
    assert names == [f"evidence-{n}" for n in expected]
    for copy in copies:
        data = app.slack.file_bytes(copy["id"])
        assert data is not None and not any(marker in data for marker in IDENTIFYING), copy
    app.slack.wait_for(lambda: "evidence-8" in desk_text(app, case))
    shown = desk_text(app, case)
    assert "alex.carter" not in shown and "15.01.58" not in shown
    reply = wait_dm_text(app, "alex.carter_notes.docx")  # the reporter hears of their own file
    assert "この種類のファイル" in text_of(reply)


def test_markup_and_macro_files_are_refused_and_bidi_is_removed(app: AppHarness) -> None:
    case = file_report(app)  # a named case: the desk sees the names, cleaned
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    one = bytes.fromhex("e4525c7b8cd8a74daeb15378d02996d3") + bytes(64)
    send_files(
        app,
        case,
        [
            ("drawing.svg", svg, "image/svg+xml"),
            ("page.html", b"<!DOCTYPE html><html><body>x</body></html>", "text/html"),
            ("macro.docm", office_document(macro=True), None),
            ("notes.one", one, None),
            ("report\u202efdp.html", b"<html><script>steal()</script></html>", "text/html"),
            ("note.txt", "店長に怒鳴られた。\n".encode(), "text/plain"),
        ],
    )
    rows = settled(app, case, 6)
    assert [(r.status, r.refusal) for r in rows] == [("refused", "type")] * 5 + [("copied", None)]
    assert rows[4].name == "reportfdp.html"
    app.slack.wait_for(lambda: "reportfdp.html" in desk_text(app, case))
    reply = wait_dm_text(app, "reportfdp.html")
    for text in (desk_text(app, case), json.dumps(reply, ensure_ascii=False)):
        assert "\u202e" not in text and "\\u202e" not in text


def test_decompression_bombs_are_refused_by_a_capped_child_without_delaying_anything(
    app: AppHarness,
) -> None:
    case = file_report(app, identity="anonymous")
    bombs = [("big.png", png_bomb(), "image/png"), ("anim.gif", gif_bomb(), "image/gif")]
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.monotonic()
    send_files(app, case, bombs)
    root = receipt(app)
    app.sender.send_dm(REPORTER_JA, "爆弾の後の一言", thread_ts=root["ts"])
    rows = settled(app, case, 2)
    refused_in = time.monotonic() - started
    assert [(r.status, r.refusal) for r in rows] == [("refused", "too_complex")] * 2
    app.slack.wait_for(lambda: "爆弾の後の一言" in desk_text(app, case), timeout=30)
    app.slack.wait_for(lambda: desk_text(app, case).count("evidence-") >= 2)
    wait_dm_text(app, "anim.gif")
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak_before) / 1024
    print(f"bombs: refused in {refused_in:.2f} s; peak RSS of the app process +{grown_mb:.0f} MB")
    # Decoded in this process, the PNG alone took 2.4-3.0 GB; the GIF 4.7 GB.
    assert grown_mb < 200


def test_the_child_is_capped_in_memory_and_time() -> None:
    photo = jpeg_with_gps(size=(4000, 3000))
    assert transfer.prepare(photo).ext == "jpg"
    with pytest.raises(transfer.Unacceptable) as starved:
        transfer.prepare(photo, memory_bytes=64 * 1024 * 1024)
    assert starved.value.reason == "too_complex"
    with pytest.raises(transfer.Unacceptable) as slow:
        transfer.prepare(photo, timeout=0.001)
    assert slow.value.reason == "too_complex"


class _Collector(http.server.BaseHTTPRequestHandler):
    seen: list[str | None]

    def do_GET(self) -> None:
        self.seen.append(self.headers.get("Authorization"))
        self.send_response(200)
        self.end_headers()
        self.wfile.write(jpeg_with_gps())

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def attacker() -> Iterator[tuple[str, list[str | None]]]:
    seen: list[str | None] = []
    handler = type("Collector", (_Collector,), {"seen": seen})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", seen
    finally:
        server.shutdown()
        server.server_close()


def test_the_bot_token_goes_only_to_slacks_file_host(
    app: AppHarness, attacker: tuple[str, list[str | None]]
) -> None:
    base, seen = attacker
    case = file_report(app)
    root = receipt(app)
    lure = app.slack.add_file(REPORTER_JA, "collect.jpg", jpeg_with_gps(), mimetype="image/jpeg")
    for key in ("url_private", "url_private_download"):
        lure[key] = f"{base}/attacker/collect.jpg"  # named in a signed event
    app.sender.send_dm(REPORTER_JA, "", thread_ts=root["ts"], files=[lure])
    [row] = settled(app, case, 1)
    assert (row.status, row.refusal) == ("refused", "unavailable")
    assert seen == []  # not a request, let alone the token
    app.slack.wait_for(lambda: "collect.jpg" in desk_text(app, case))


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://files.slack.com/files-pri/T1-F1/download/a.jpg", True),
        ("http://files.slack.com/files-pri/T1-F1/a.jpg", False),
        ("https://files.slack.com.evil.example/files-pri/T1-F1/a.jpg", False),
        ("https://files.slack.com:8443/files-pri/T1-F1/a.jpg", False),
        ("https://user@files.slack.com/files-pri/T1-F1/a.jpg", False),
        ("https://files.slack.com/attacker/collect.jpg", False),
        ("https://evil.example/files-pri/T1-F1/a.jpg", False),
        ("http://127.0.0.1:9999/files-pri/T1-F1/a.jpg", False),
        ("http://127.0.0.1:8080/files-pri/T1-F1/a.jpg", True),  # the configured API host
    ],
)
def test_which_file_urls_get_the_token(url: str, allowed: bool) -> None:
    assert transfer.is_slack_file_url(url, "http://127.0.0.1:8080/api/") is allowed
    assert transfer.is_slack_file_url(url, "https://slack.com/api/") is (
        allowed and "files.slack.com" in url
    )


@pytest.mark.parametrize(
    ("sent", "shown"),
    [
        ("report\u202efdp.html", "reportfdp.html"),  # right-to-left override
        ("a\u200bb\u2066c\u2069\x07.png", "abc.png"),  # zero-width, isolates, a bell
        ("line\nbreak\t.txt", "linebreak.txt"),
        ("\u202e\u200f", ""),  # nothing left: the file id stands in
    ],
)
def test_names_lose_control_and_bidi_characters(sent: str, shown: str) -> None:
    assert safe_name(sent) == shown
