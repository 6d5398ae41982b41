"""A bare stand-in workspace (one person, one channel) and a Web API client for it, for the
tests that hold the stand-in itself to Slack's specs."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.standin import SlackStandIn


def api_error(call: Any) -> dict[str, Any]:
    """The error body Slack (the stand-in) answered `call` with."""
    with pytest.raises(SlackApiError) as info:
        call()
    data: dict[str, Any] = info.value.response.data
    return data


@contextmanager
def bare_workspace() -> Iterator[SlackStandIn]:
    with SlackStandIn() as standin:
        standin.add_user("U1", "aiko")
        standin.add_channel("C1", "desk", members=["U1"])
        yield standin


def web_client(slack: SlackStandIn) -> WebClient:
    return WebClient(token=slack.bot_token, base_url=slack.api_url)
