"""`/harassment policy [topic]` and `/harassment help`: private answers in the user's language."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot.guidance.messages import Answer, HelpLine, help_answer, policy_answer

if TYPE_CHECKING:
    from handlers.commands.harassment import CommandRequest


def _ack_privately(request: CommandRequest, answer: Answer) -> None:
    # Answering in the ack needs no extra Slack call and is only ever shown to the person who
    # typed the command; nobody in the channel learns that they looked up harassment guidance.
    request.ack(text=answer.text, blocks=answer.blocks, response_type="ephemeral")


def show_policy(request: CommandRequest) -> None:
    deps = request.deps
    locale = deps.profiles.get(request.user_id).locale
    answer = policy_answer(deps.guidance, request.args, locale, deps.settings.hotline_url)
    _ack_privately(request, answer)


def show_help(request: CommandRequest, lines: Sequence[HelpLine]) -> None:
    locale = request.deps.profiles.get(request.user_id).locale
    _ack_privately(request, help_answer(locale, lines))
