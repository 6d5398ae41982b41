"""`/harassment [report|status|policy|help] …`: one command, routed by its first word."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from bot.deps import Deps, deps_of
from handlers.commands import guidance, insight
from handlers.commands.status import status
from handlers.opening import open_report_modal


@dataclass(frozen=True)
class CommandRequest:
    ack: Ack
    respond: Respond
    client: WebClient
    deps: Deps
    user_id: str
    channel_id: str
    trigger_id: str
    args: str


Subcommand = Callable[[CommandRequest], None]


def report(request: CommandRequest) -> None:
    request.ack()
    open_report_modal(
        request.client, request.deps, trigger_id=request.trigger_id, user_id=request.user_id
    )


def help_or_report(request: CommandRequest) -> None:
    # `/harassment help` lists the commands; `/harassment help me, he won't leave` is a plea,
    # not a question about the app, so it opens the form like any other unknown text.
    if request.args:
        report(request)
    else:
        guidance.show_help(request)


# First word (lower-cased) -> subcommand. Unknown words open the report form with no fuss: an
# upset employee who types `/harassment he shouted at me` should land in the form, not in an error.
ROUTES: dict[str, Subcommand] = {
    "": report,
    "report": report,
    "報告": report,
    "status": status,
    "状況": status,
    "policy": guidance.show_policy,
    "ポリシー": guidance.show_policy,
    "方針": guidance.show_policy,
    "help": help_or_report,
    "ヘルプ": help_or_report,
    # Issue 13, desk only: the customer register, exports and the monthly report.
    "customer": insight.customer,
    "export": insight.export,
    "stats": insight.stats,
}


def handle_harassment_command(
    ack: Ack, command: dict[str, Any], respond: Respond, client: WebClient, context: dict[str, Any]
) -> None:
    text = (command.get("text") or "").strip()
    first, _, rest = text.partition(" ")
    route = ROUTES.get(first.lower(), report)
    route(
        CommandRequest(
            ack=ack,
            respond=respond,
            client=client,
            deps=deps_of(context),
            user_id=command["user_id"],
            channel_id=command.get("channel_id", ""),
            trigger_id=command["trigger_id"],
            args=rest.strip(),
        )
    )
