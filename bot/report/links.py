"""Slack message links built from the payload, so the listener needs no extra API call."""

from __future__ import annotations

from bot import bounds


def message_permalink(
    team_domain: str | None, channel_id: str | None, ts: str | None
) -> str | None:
    """`https://<domain>.slack.com/archives/<channel>/p<ts without the dot>`, as Slack links;
    None unless every part looks like what Slack sends (issue 10: a forged domain is no link)."""
    return bounds.message_permalink(team_domain, channel_id, ts)
