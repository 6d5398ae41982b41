"""`/harassment customer <query>`, `/harassment export [range]`, `/harassment stats [month]`.

Desk only, answered privately in the ack. The export and the report are queued (store first);
the outbox uploads the CSV to the requester's DM and posts the report in the desk channel.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.bounds import parse_id
from bot.customers.feature import customer_service
from bot.customers.messages import search_answer
from bot.customers.service import Done, Refused
from bot.export.requests import ExportRequests
from bot.export.requests import Queued as ExportQueued
from bot.i18n import t
from bot.stats.requests import Queued as ReportQueued
from bot.stats.requests import request_report

if TYPE_CHECKING:
    from handlers.commands.harassment import CommandRequest


def _private(
    request: CommandRequest, text: str, blocks: list[dict[str, object]] | None = None
) -> None:
    request.ack(text=text, blocks=blocks or None, response_type="ephemeral")


def customer(request: CommandRequest) -> None:
    deps = request.deps
    locale = deps.profiles.get(request.user_id).locale
    service = customer_service(deps)
    if not service.authorise(request.user_id, "customer"):
        _private(request, t("customer.denied", locale))
        return
    if not request.args:
        _private(request, t("customer.search.usage", locale))
        return
    words = request.args.split()
    if words[0].lower() == "merge":
        parsed = [parse_id(w.lstrip("#")) for w in words[1:]]
        ids = [number for number in parsed if number is not None]
        if len(ids) != 2 or len(words) != 3:
            _private(request, t("customer.merge.usage", locale))
            return
        merged = service.merge(request.user_id, ids[0], ids[1])
        if isinstance(merged, Done):
            cases = int(str(merged.detail.get("cases", 0)))
            text = t("customer.merge.done", locale, source=ids[0], target=ids[1], cases=cases)
        else:
            text = t(merged.code, locale) if isinstance(merged, Refused) else ""
        _private(request, text)
        deps.outbox.kick()
        return
    found = service.find(request.user_id, request.args)
    if isinstance(found, str):
        _private(request, t(found, locale) + "\n" + t("customer.search.usage", locale))
        return
    text, blocks = search_answer(request.args, found, locale, deps.settings.case_content_in_slack)
    _private(request, text, blocks)


def export(request: CommandRequest) -> None:
    deps = request.deps
    locale = deps.profiles.get(request.user_id).locale
    outcome = deps.service(ExportRequests).request(request.user_id, locale, request.args)
    if isinstance(outcome, ExportQueued):
        _private(request, t("export.started", locale, range=str(outcome.span)))
        deps.outbox.kick()
        return
    _private(request, t(outcome.code, locale))


def stats(request: CommandRequest) -> None:
    deps = request.deps
    locale = deps.profiles.get(request.user_id).locale
    today = deps.clock.now().astimezone(deps.settings.desk_hours.tz).date()
    outcome = request_report(
        sessions=deps.sessions,
        clock=deps.clock,
        today=today,
        user_id=request.user_id,
        args=request.args,
        is_staff=deps.staff.is_staff,
    )
    if isinstance(outcome, ReportQueued):
        _private(request, t("stats.started", locale, month=str(outcome.month)))
        deps.outbox.kick()
        return
    _private(request, t(outcome.code, locale))
