"""`/harassment status`: the caller's own reports, answered privately in their language."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.home.messages import status_message
from bot.home.service import my_cases

if TYPE_CHECKING:
    from handlers.commands.harassment import CommandRequest


def status(request: CommandRequest) -> None:
    deps = request.deps
    locale = deps.profiles.get(request.user_id).locale
    rows = my_cases(deps.sessions, request.user_id, locale)
    message = status_message(rows, locale)
    request.ack(text=message.text, blocks=message.blocks, response_type="ephemeral")
