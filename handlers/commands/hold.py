"""`/harassment hold CH-2026-0042 [off]`: a desk lead puts a case on legal hold (the retention
purge keeps it) or lifts the hold. Answered privately; refused for anyone but a desk lead."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.i18n import t
from bot.retention.service import HoldOutcome, LegalHolds

if TYPE_CHECKING:
    from handlers.commands.harassment import CommandRequest

LIFT_WORDS = frozenset({"off", "lift", "解除"})


def hold(request: CommandRequest) -> None:
    request.ack()
    locale = request.deps.profiles.get(request.user_id).locale
    words = request.args.split()
    if not words:
        request.respond(t("retention.hold.usage", locale))
        return
    reference = words[0]
    lifting = len(words) > 1 and words[1].lower() in LIFT_WORDS
    outcome = request.deps.service(LegalHolds).set(
        actor=request.user_id,
        reference=reference,
        hold=not lifting,
        now=request.deps.clock.now(),
    )
    text = t(f"retention.hold.{outcome.value}", locale, reference=reference.upper())
    request.respond(text)


__all__ = ["HoldOutcome", "hold"]
