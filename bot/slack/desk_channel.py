"""Can the bot post in the desk channel? Reports are stored either way, but while it cannot,
nothing reaches the desk: `/readyz` says so, the App Home says so, the log says so once.

Learned at start (`conversations.info`), from deliveries there (a post refused with
`channel_not_found`/`not_in_channel`, or one that went through), and re-checked now and then in
the background: often while the bot cannot post (it recovers soon after someone invites it),
rarely while it can. Asking never waits on Slack.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

log = logging.getLogger(__name__)

DESK_CHANNEL_OK = "ok"
NOT_MEMBER = "not_member"
UNKNOWN = "unknown"
# What Slack answers a bot that is not in a channel: a private one is invisible to it.
NOT_MEMBER_ERRORS = frozenset({"channel_not_found", "not_in_channel"})
RECHECK_WHILE_REFUSED_S = 15.0
RECHECK_WHILE_OK_S = 300.0


def desk_channel_unreachable(channel_id: str, error: str) -> str:
    """The line for a desk channel the bot cannot post in, the same from `run` and `check`."""
    return (
        f"DESK_CHANNEL_ID: the bot cannot post in {channel_id} ({error}); invite it to the "
        "desk's private channel (/invite @Harassment Desk)"
    )


class DeskChannel:
    def __init__(
        self,
        client: WebClient,
        channel_id: str,
        *,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self._channel = channel_id
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._state = UNKNOWN
        self._learned_at: float | None = None
        self._checking = False

    @property
    def channel_id(self) -> str:
        return self._channel

    def state(self) -> str:
        """The last known state; starts a re-check in the background when one is due."""
        with self._lock:
            state, learned_at = self._state, self._learned_at
            wait = RECHECK_WHILE_REFUSED_S if state == NOT_MEMBER else RECHECK_WHILE_OK_S
            due = learned_at is not None and self._monotonic() - learned_at >= wait
            if due and not self._checking:
                self._checking = True
                threading.Thread(target=self._recheck, name="desk-channel", daemon=True).start()
        return state

    def cannot_post(self) -> bool:
        return self.state() == NOT_MEMBER

    def learn_info(self, channel: Mapping[str, Any]) -> None:
        """`conversations.info`'s `channel` for the desk channel."""
        self._learn(DESK_CHANNEL_OK if channel.get("is_member") else NOT_MEMBER, "not_in_channel")

    def learn_error(self, error: str) -> None:
        """An error Slack answered about the desk channel; only a not-a-member one counts."""
        if error in NOT_MEMBER_ERRORS:
            self._learn(NOT_MEMBER, error)

    def delivery_failed(self, channel: str, error: str) -> None:
        if channel == self._channel:
            self.learn_error(error)

    def delivered(self, channel: str) -> None:
        if channel == self._channel:
            self._learn(DESK_CHANNEL_OK, "")

    def check(self) -> None:
        """Ask Slack now (`conversations.info`); a transport failure leaves the state as it was
        (an unreachable Slack is readiness's other condition)."""
        try:
            info = self._client.conversations_info(channel=self._channel)
        except SlackApiError as exc:
            self.learn_error(str(exc.response.get("error")))
            return
        except (SlackClientError, OSError):
            return
        self.learn_info(info.get("channel") or {})

    def _recheck(self) -> None:
        try:
            self.check()
        finally:
            with self._lock:
                self._checking = False
                if self._learned_at is not None:  # not learned anew: try again after a wait
                    self._learned_at = max(self._learned_at, self._monotonic())

    def _learn(self, state: str, error: str) -> None:
        with self._lock:
            before = self._state
            self._state, self._learned_at = state, self._monotonic()
        if state == before:
            return
        if state == NOT_MEMBER:
            log.warning(
                "%s; reports are stored and wait until it can",
                desk_channel_unreachable(self._channel, error),
            )
        elif before == NOT_MEMBER:
            log.info("DESK_CHANNEL_ID: the bot can post in %s again", self._channel)
