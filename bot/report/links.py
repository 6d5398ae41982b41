"""Slack message links built from the payload, so the listener needs no extra API call."""

from __future__ import annotations


def message_permalink(
    team_domain: str | None, channel_id: str | None, ts: str | None
) -> str | None:
    """`https://<domain>.slack.com/archives/<channel>/p<ts without the dot>`, as Slack links."""
    if not (team_domain and channel_id and ts):
        return None
    return f"https://{team_domain}.slack.com/archives/{channel_id}/p{ts.replace('.', '')}"
