"""Someone opened the App Home: remember them as a viewer and publish their home.

The home is published through the outbox (kicked at once), not with views.publish here: one code
path builds every home (with the other features' lines and the staff check made at delivery),
and a Slack error or rate limit is retried instead of lost.
"""

from __future__ import annotations

from typing import Any

from bot.deps import deps_of
from bot.home.service import record_home_open


def handle_app_home_opened(
    event: dict[str, Any], body: dict[str, Any], context: dict[str, Any]
) -> None:
    user_id = event.get("user")
    if event.get("tab") != "home" or not isinstance(user_id, str):
        return
    event_id = str(body.get("event_id") or event.get("event_ts") or "")
    deps = deps_of(context)
    record_home_open(
        deps.sessions, deps.profiles, user_id=user_id, event_id=event_id, now=deps.clock.now()
    )
    deps.outbox.kick()
