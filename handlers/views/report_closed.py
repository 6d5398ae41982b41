"""The report form was closed without sending: the person may open another one at once."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack

from bot.deps import deps_of
from bot.privacy import FormThrottle


def handle_report_closed(ack: Ack, body: dict[str, Any], context: dict[str, Any]) -> None:
    deps_of(context).service(FormThrottle).closed(body["user"]["id"])
    ack()
