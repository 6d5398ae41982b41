"""`/harassment [report|status|policy|help] …`: one command, routed by its first word."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from bot.deps import Deps, deps_of
from bot.guidance.messages import HelpLine
from bot.report.modals import Prefill
from handlers.commands import guidance, insight
from handlers.commands.hold import hold
from handlers.commands.status import status
from handlers.opening import open_report_modal
from handlers.sos_opening import open_sos_modal


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
    # `/harassment 店長を呼べと30分怒鳴られた`: what was typed is the start of the story.
    request.ack()
    open_report_modal(
        request.client,
        request.deps,
        trigger_id=request.trigger_id,
        user_id=request.user_id,
        tell=lambda text: request.respond(text=text, response_type="ephemeral"),
        prefill=Prefill(narrative=request.args) if request.args else None,
    )


def sos(request: CommandRequest) -> None:
    request.ack()
    open_sos_modal(
        request.client, request.deps, trigger_id=request.trigger_id, user_id=request.user_id
    )


def help_or_report(request: CommandRequest) -> None:
    # `/harassment help` lists the commands; `/harassment help me, he won't leave` is a plea,
    # not a question about the app, so it opens the form like any other unknown text.
    if request.args:
        report(replace(request, args=f"help {request.args}"))
    else:
        guidance.show_help(request, HELP_LINES)


@dataclass(frozen=True)
class Route:
    """A subcommand: the first words that lead to it (English, then Japanese aliases), what it
    does, and its lines in `/harassment help` (catalogue keys in bot/locales/commands.yaml)."""

    words: tuple[str, ...]
    run: Subcommand
    help: tuple[str, ...]

    @property
    def aliases(self) -> tuple[str, ...]:
        return tuple(word for word in self.words[1:] if not word.isascii())


# The routing table, in the order `/harassment help` lists it. A bare `/harassment` and any
# unknown first word open the report form with no fuss: an upset employee who types
# `/harassment he shouted at me` should land in the form, not in an error.
SUBCOMMANDS: tuple[Route, ...] = (
    Route(("report", "報告"), report, ("commands.report",)),
    Route(("status", "状況"), status, ("commands.status",)),
    Route(
        ("policy", "ポリシー", "方針"),
        guidance.show_policy,
        ("commands.policy", "commands.policy_topic"),
    ),
    Route(("sos", "助けて"), sos, ("commands.sos",)),
    Route(("help", "ヘルプ"), help_or_report, ("commands.help",)),
    # The customer register, export and monthly report: desk only (refused politely and audited
    # for anyone else).
    Route(("customer", "相手"), insight.customer, ("commands.customer",)),
    Route(("export", "エクスポート"), insight.export, ("commands.export",)),
    Route(("stats", "月次報告"), insight.stats, ("commands.stats",)),
    # Desk leads only: legal hold, which the retention purge respects.
    Route(("hold", "保全"), hold, ("commands.hold",)),
)
# First word (lower-cased) -> subcommand.
ROUTES: dict[str, Subcommand] = {
    "": report,
    **{word: route.run for route in SUBCOMMANDS for word in route.words},
}
HELP_LINES: tuple[HelpLine, ...] = tuple(
    HelpLine(key, route.aliases if index == 0 else ())
    for route in SUBCOMMANDS
    for index, key in enumerate(route.help)
)


def handle_harassment_command(
    ack: Ack, command: dict[str, Any], respond: Respond, client: WebClient, context: dict[str, Any]
) -> None:
    text = (command.get("text") or "").strip()
    first, _, rest = text.partition(" ")
    route = ROUTES.get(first.lower())
    if route is None:  # free text: the whole of it prefills the form
        route, rest = report, text
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
