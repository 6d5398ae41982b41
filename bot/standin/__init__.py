"""Slack stand-in for tests, benchmarks and the local playground.

- :class:`SlackStandIn` - a real HTTP server on 127.0.0.1 speaking Slack's Web API wire format
  (plus Socket Mode over ``ws://``), with workspace state, call recording and fault injection.
- :class:`SlackRequestSender` - delivers signed slash commands, interactions and events to the
  app over HTTP the way Slack does, and builds those payloads (also usable for Socket Mode).
- :func:`validate_message_blocks` / :func:`validate_view` - the Block Kit limit checks the
  stand-in applies, as pure functions for testing builders without HTTP.

Typical pytest fixtures::

    @pytest.fixture
    def slack():
        with SlackStandIn() as standin:
            yield standin

    @pytest.fixture
    def client(slack):
        return WebClient(token=slack.bot_token, base_url=slack.api_url)
"""

from .blockkit import (
    invalid_blocks_response,
    invalid_view_response,
    validate_message_blocks,
    validate_view,
)
from .sender import SenderResponse, SlackRequestSender, build_state_values, sign_request
from .server import Call, Channel, SlackError, SlackStandIn, SocketAck

__all__ = [
    "Call",
    "Channel",
    "SenderResponse",
    "SlackError",
    "SlackRequestSender",
    "SlackStandIn",
    "SocketAck",
    "build_state_values",
    "invalid_blocks_response",
    "invalid_view_response",
    "sign_request",
    "validate_message_blocks",
    "validate_view",
]
