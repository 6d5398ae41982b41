"""The guidance feature as the app sees it: every new case gets the recommended response in its
thread, in the desk's language. (The `/harassment policy|help` answers are listeners in
`handlers/commands/guidance.py`; the content itself is loaded once into `Core.guidance`.)"""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.deps import Core, Feature
from bot.guidance import ids
from bot.guidance.renderers import render_desk_guidance
from bot.guidance.service import enqueue_desk_guidance
from bot.outbox import Delivery
from storage.models import OutboxMessage


def guidance_feature(core: Core) -> Feature:
    lib = core.guidance
    locale = core.settings.default_locale

    def render(session: Session, message: OutboxMessage) -> Delivery:
        return render_desk_guidance(session, message, lib=lib, locale=locale)

    return Feature(
        outbox_kinds=ids.OUTBOX_KINDS,
        renderers={ids.DESK_THREAD: render},
        report_hooks=(enqueue_desk_guidance,),
    )
