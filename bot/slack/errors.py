"""Errors a person can be told about, and the one error handler that turns errors into answers."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from slack_bolt import Respond
from slack_sdk import WebClient

from bot.i18n import t
from bot.slack.replies import requester, tell_privately

log = logging.getLogger("harassment_desk.errors")


def new_error_id() -> str:
    return uuid.uuid4().hex[:10]


class UserFacingError(Exception):
    """A known problem with a catalogue message for the person who caused it."""

    def __init__(self, key: str, locale: str = "en", **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.locale = locale
        self.params = params

    def message(self) -> str:
        return t(self.key, self.locale, **self.params)


class AlreadyAnswered(Exception):
    """The listener already told the person (e.g. modal field errors); only the log is missing."""

    def __init__(self, error_id: str) -> None:
        super().__init__(f"error id {error_id}")
        self.error_id = error_id


def handle_error(
    error: Exception, body: dict[str, Any], client: WebClient, respond: Respond | None = None
) -> None:
    """Bolt's global error handler. Logs never include the request body (it may hold a report)."""
    user, _ = requester(body)
    if isinstance(error, AlreadyAnswered):
        log.error("error %s (user was told)", error.error_id, exc_info=error.__cause__ or error)
        return
    if isinstance(error, UserFacingError):
        text = error.message()
        log.info("user-facing error %s for %s", error.key, user)
    else:
        error_id = new_error_id()
        log.error("unhandled error %s (%s)", error_id, type(error).__name__, exc_info=error)
        text = (
            t("error.unexpected", "en", error_id=error_id)
            + "\n"
            + t("error.unexpected", "ja", error_id=error_id)
        )
    tell_privately(body, respond, client, text)
