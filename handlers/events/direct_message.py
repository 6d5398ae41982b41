"""What a person writes to the bot in its DM (`message.im`): new messages, edits, deletions.

Bolt already drops the bot's own messages (event.user / bot_id = the bot); edits and deletions
carry the author inside `message` / `previous_message`, so those are checked here.
"""

from __future__ import annotations

from typing import Any

from bot.conversation.service import ConversationService, IncomingDm
from bot.deps import deps_of

NEW_MESSAGE_SUBTYPES = (None, "file_share", "thread_broadcast")


def _by_bot(message: dict[str, Any], context: dict[str, Any]) -> bool:
    return bool(message.get("bot_id")) or message.get("user") in (
        context.get("bot_user_id"),
        None,
    )


def handle_direct_message(event: dict[str, Any], context: dict[str, Any]) -> None:
    if event.get("channel_type") != "im":
        return
    deps = deps_of(context)
    service = deps.service(ConversationService)
    subtype = event.get("subtype")
    channel = str(event.get("channel") or "")
    if subtype in NEW_MESSAGE_SUBTYPES:
        if _by_bot(event, context):
            return
        user_id = str(event["user"])
        dm = IncomingDm(
            user_id=user_id,
            channel=channel,
            ts=str(event["ts"]),
            thread_ts=event.get("thread_ts"),
            text=str(event.get("text") or ""),
            files=list(event.get("files") or []),
            locale=deps.profiles.get(user_id).locale,
        )
        changed = service.receive_dm(dm).status != "duplicate"
    elif subtype == "message_changed":
        message = event.get("message") or {}
        if _by_bot(message, context) or not message.get("ts"):
            return
        changed = service.edit_dm(
            str(message.get("user") or ""),
            channel,
            str(message["ts"]),
            str(message.get("text") or ""),
        )
    elif subtype == "message_deleted":
        previous = event.get("previous_message") or {}
        if _by_bot(previous, context) or not event.get("deleted_ts"):
            return
        changed = service.delete_dm(
            str(previous.get("user") or ""), channel, str(event["deleted_ts"])
        )
    else:
        return  # channel_join, bot_message, ...: nothing a person wrote
    if changed:
        deps.outbox.kick()
