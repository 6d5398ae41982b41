"""The export's outbox renderer: build the CSV from the database, upload it to the DM."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.content_mode import ContentMode
from bot.deskhours import DeskHours, Month
from bot.export import Labels, ids
from bot.export.service import MonthRange, build_export
from bot.i18n import t
from bot.outbox import Delivery, Perform, Renderer, Skip
from bot.restriction import AccessGate
from bot.slack.files import upload_file
from storage.models import OutboxMessage


def _range(payload: dict[str, Any]) -> MonthRange | None:
    first, _, last = str(payload.get("range", "")).partition("..")
    try:
        return MonthRange(Month.parse(first), Month.parse(last or first))
    except ValueError:
        return None


def export_renderers(
    *,
    hours: DeskHours,
    category_label: Callable[[str, str], str],
    access: AccessGate,
    content: ContentMode = ContentMode.FULL,
    places: frozenset[str] = frozenset(),
) -> dict[str, Renderer]:
    """Sealed, the file uploaded to Slack holds no text and no names (the command refuses
    --with-text; `harassment-desk export` writes them to a file on the server instead)."""

    def upload(session: Session, message: OutboxMessage) -> Delivery:
        payload = message.payload
        span = _range(payload)
        if span is None:
            return Skip("unreadable export range")
        locale = str(payload.get("locale", "ja"))
        labels = Labels(locale, category_label)
        user_id = str(payload["user_id"])
        export = build_export(
            session,
            span,
            hours=hours,
            labels=labels,
            with_text=bool(payload.get("with_text")) and not content.sealed,
            with_names=not content.sealed,
            places=places,
            # Asked at delivery: a case restricted since the request is listed only.
            visible=lambda inner, case_ids: access.visible(inner, case_ids, user_id),
        )

        def run(client: WebClient) -> tuple[str, str]:
            return upload_file(
                client,
                channel=user_id,
                filename=export.filename,
                content=export.content,
                title=t("export.file.title", locale, range=str(span)),
                comment=t("export.file.comment", locale, range=str(span), count=export.count),
            )

        return Perform(run)

    return {ids.UPLOAD: upload}
