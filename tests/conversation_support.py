"""Helpers for the conversation tests: the receipt DM, the DM thread, the case thread, rows."""

from __future__ import annotations

import io
import json
from typing import Any

from PIL import Image
from sqlalchemy import select

from bot.conversation import ids
from storage.models import Case, CaseMessage, EvidenceFile
from tests.desk_support import case_message, click, open_modal, report, submit, thread
from tests.harness import DESK_CHANNEL, REPORTER_JA, AppHarness

__all__ = ["DESK_CHANNEL", "case_message", "click", "report", "thread"]


def file_report(app: AppHarness, user_id: str = REPORTER_JA, **values: Any) -> Case:
    """A report whose case message and receipt DM are both posted."""
    case = report(app, user_id, **values)
    receipt(app, user_id, case.reference)
    return case


def receipt(
    app: AppHarness, user_id: str = REPORTER_JA, reference: str | None = None
) -> dict[str, Any]:
    """The receipt DM of the case `reference` (default: the newest one posted)."""

    def find() -> dict[str, Any] | None:
        found = [
            m
            for m in app.slack.dms(user_id)
            if m.get("user") == app.slack.BOT_USER_ID
            and "conv_receipt" in json.dumps(m)
            and (reference is None or reference in json.dumps(m, ensure_ascii=False))
        ]
        return found[-1] if found else None

    return app.slack.wait_for(find, timeout=30)


def dm_channel(user_id: str = REPORTER_JA) -> str:
    return "D" + user_id


def dm_thread(app: AppHarness, root_ts: str, user_id: str = REPORTER_JA) -> list[dict[str, Any]]:
    """Replies under the receipt in the reporter's DM, the reporter's own included."""
    return app.slack.replies(dm_channel(user_id), root_ts)


def text_of(message: dict[str, Any]) -> str:
    """Everything a reader sees in a message: text, blocks, file names and comments."""
    return message.get("text", "") + json.dumps(message.get("blocks", []), ensure_ascii=False)


def wait_thread_text(app: AppHarness, case: Case, needle: str, timeout: float = 30) -> str:
    def find() -> str | None:
        for message in thread(app, case):
            if needle in text_of(message):
                return text_of(message)
        return None

    return app.slack.wait_for(find, timeout=timeout)


def wait_dm_text(
    app: AppHarness, needle: str, root_ts: str | None = None, user_id: str = REPORTER_JA
) -> dict[str, Any]:
    def find() -> dict[str, Any] | None:
        channel = app.slack.channels.get(dm_channel(user_id))
        if channel is None:
            return None
        candidates = list(channel.by_ts.values())
        if root_ts:
            candidates = dm_thread(app, root_ts, user_id)
        for message in candidates:
            if message.get("user") == app.slack.BOT_USER_ID and needle in text_of(message):
                return message
        return None

    return app.slack.wait_for(find, timeout=30)


def messages_of(app: AppHarness, case_id: int | None = None) -> list[CaseMessage]:
    with app.deps.sessions() as session:
        query = select(CaseMessage).order_by(CaseMessage.id)
        if case_id is not None:
            query = query.where(CaseMessage.case_id == case_id)
        return list(session.scalars(query))


def evidence_of(app: AppHarness, case_id: int) -> list[EvidenceFile]:
    with app.deps.sessions() as session:
        query = select(EvidenceFile).where(EvidenceFile.case_id == case_id)
        return list(session.scalars(query.order_by(EvidenceFile.id)))


def reacted(app: AppHarness, channel: str, ts: str) -> bool:
    message = app.slack.find_message(channel, ts)
    return bool(
        message
        and any(
            r["name"] == ids.DELIVERED_REACTION and app.slack.BOT_USER_ID in r["users"]
            for r in message.get("reactions", [])
        )
    )


def message_reporter(
    app: AppHarness, case: Case, staff: str, text: str, *, signed: bool = False
) -> dict[str, Any] | None:
    """A desk member clicks Message the reporter and sends `text`."""
    view = open_modal(app, case, ids.MESSAGE_REPORTER_ACTION, staff)
    values: dict[str, Any] = {ids.TEXT_INPUT: text}
    if signed:
        values[ids.SIGN_INPUT] = [ids.SIGN_VALUE]
    return submit(app, view, values, staff)


def click_dm_button(
    app: AppHarness, message: dict[str, Any], action_id: str, user_id: str = REPORTER_JA
) -> None:
    payload = app.sender.block_actions(
        action_id, user_id=user_id, channel_id=dm_channel(user_id), message_ts=message["ts"]
    )
    response = app.sender.interaction(payload)
    assert response.status == 200, response.text


def jpeg_with_gps() -> bytes:
    """A small JPEG carrying EXIF with GPS coordinates, a camera model and a time."""
    image = Image.new("RGB", (64, 48), (200, 30, 30))
    exif = Image.Exif()
    exif[0x0110] = "Phone X"  # Model
    exif[0x0132] = "2026:11:30 10:00:00"  # DateTime
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (35.0, 41.0, 22.0)  # GPSLatitudeRef, GPSLatitude
    gps[3], gps[4] = "E", (139.0, 41.0, 30.0)
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (0, 0, 255)).save(out, format="PNG")
    return out.getvalue()
