"""Replies in a thread name the thread's parent, never another reply.

Slack's chat.postMessage spec says of `thread_ts`: "Avoid using a reply's `ts` value; use its
parent instead" (files.completeUploadExternal: "Never use a reply's `ts`"). Slack accepts a
reply's ts without an error, so nothing at run time would show the mistake: every post and
upload in a thread takes a `ThreadParent`, and `thread_parent` is the one way to make one.
"""

from __future__ import annotations

from typing import NewType

ThreadParent = NewType("ThreadParent", str)


def thread_parent(ts: str, thread_ts: str | None = None) -> ThreadParent:
    """The ts to reply under, for the message `ts`: the parent of the thread it is in when it
    is a reply (`thread_ts` as Slack gives it on the message or event; on a parent it equals
    `ts`), else the message itself. Pass `thread_ts` whenever the message may be a reply: a
    message the app posted at the top level (the case message, the receipt DM) needs none."""
    return ThreadParent(thread_ts or ts)
