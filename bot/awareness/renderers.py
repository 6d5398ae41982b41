"""Outbox renderers: the weekly post and the welcome DM, rendered at delivery time."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.awareness import ids
from bot.awareness.content import AwarenessContent
from bot.awareness.messages import post_message, welcome_message
from bot.guidance import GuidanceLibrary
from bot.outbox import Delivery, Post, Renderer, Skip
from storage.models import OutboxMessage
from storage.repositories import awareness as awareness_repo


def awareness_renderers(
    content: AwarenessContent, lib: GuidanceLibrary, hotline_url: str | None
) -> dict[str, Renderer]:
    def post(session: Session, message: OutboxMessage) -> Delivery:
        raw_id = message.payload.get("post_id")
        stored = awareness_repo.get(session, int(raw_id)) if raw_id is not None else None
        if stored is None:
            return Skip("awareness post deleted")
        if stored.message_ts:
            return Skip("already delivered")
        item = content.item(stored.item_key)
        if item is None:
            return Skip(f"item {stored.item_key!r} is no longer in awareness.yaml")
        rendered = post_message(item, lib, hotline_url, post_id=stored.id)
        post_id = stored.id

        def remember(inner: Session, channel: str, ts: str) -> None:
            row = awareness_repo.get(inner, post_id)
            if row is not None:
                row.message_ts = ts

        return Post(stored.channel_id, rendered.text, rendered.blocks, on_delivered=remember)

    def welcome(session: Session, message: OutboxMessage) -> Delivery:
        user_id = message.payload.get("user_id")
        if not isinstance(user_id, str):
            return Skip("no user")
        rendered = welcome_message(content, lib, hotline_url)
        return Post(user_id, rendered.text, rendered.blocks)

    return {ids.POST: post, ids.WELCOME: welcome}
