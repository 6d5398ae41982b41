"""What a Slack client does for the people in the playground, against the real app.

Every interaction is built as Slack builds it and delivered signed over HTTP to the app's
`/slack/events` (Bolt's real path); what the app sends back (its HTTP answer, response_url posts,
Web API calls into the stand-in) is shown the way Slack's client would show it.
"""

from __future__ import annotations

import itertools
import json
import threading
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from bot.playground.clock import OffsetClock
from bot.playground.workspace import DESK_CHANNEL, PEOPLE, Person, person
from bot.standin import SlackRequestSender, SlackStandIn
from bot.standin.surfaces import ViewOutcome, apply_view_answer, close_view

FORM = "application/x-www-form-urlencoded"
COMMAND = "/harassment"


class RefusedInput(ValueError):
    """The page asked for something a Slack client could not do (unknown person, channel...)."""


def wire_text(text: str) -> str:
    """What Slack sends for text a person typed: `&`, `<` and `>` escaped."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@dataclass
class _Hook:
    """Where a response_url came from, so its posts land where Slack would put them."""

    user: str
    channel: str
    message_ts: str | None = None
    ephemeral_id: str | None = None


@dataclass
class _Ephemeral:
    id: str
    user: str
    channel: str
    text: str
    blocks: list[Any] = field(default_factory=list)
    thread_ts: str | None = None


def _copy(value: Any) -> Any:
    return json.loads(json.dumps(value, ensure_ascii=False))


class ClientSide:
    """The client half of Slack for the playground's people."""

    def __init__(self, slack: SlackStandIn, sender: SlackRequestSender, clock: OffsetClock):
        self.slack, self.sender, self.clock = slack, sender, clock
        self._lock = threading.RLock()
        self._hooks: dict[str, _Hook] = {}
        self._hook_calls_seen = 0
        self._ephemerals: list[_Ephemeral] = []
        self._ids = itertools.count(1)
        self._view_outcomes: dict[str, ViewOutcome] = {}

    # ----------------------------------------------------------------- checks
    def _person(self, user_id: Any) -> Person:
        found = person(str(user_id))
        if found is None:
            raise RefusedInput("unknown person")
        return found

    def _visible_channel(self, user_id: str, channel_id: Any) -> str:
        channel_id = str(channel_id)
        if channel_id == "D" + user_id:
            self.slack.dm_channel(user_id)
            return channel_id
        channel = self.slack.channels.get(channel_id)
        if channel is None or channel.is_im or user_id not in channel.members:
            raise RefusedInput("not a channel this person is in")
        return channel_id

    # ----------------------------------------------------------------- response_url
    def _response_url(self, hook: _Hook) -> str:
        url = self.slack.new_response_url()
        with self._lock:
            self._hooks[url] = hook
        return url

    def _ephemeral(self, user: str, channel: str, content: dict[str, Any]) -> None:
        with self._lock:
            self._ephemerals.append(
                _Ephemeral(
                    id=f"E{next(self._ids)}",
                    user=user,
                    channel=channel,
                    text=str(content.get("text") or ""),
                    blocks=list(content.get("blocks") or []),
                    thread_ts=content.get("thread_ts"),
                )
            )

    def _drain_response_urls(self) -> None:
        """Apply the app's response_url posts (recorded by the stand-in) as Slack would."""
        with self._lock:
            calls = self.slack.calls_to("response_url")
            fresh, self._hook_calls_seen = calls[self._hook_calls_seen :], len(calls)
            for call in fresh:
                hook = self._hooks.get(str(call.args.get("url")))
                if hook is None or call.status != 200:
                    continue
                self._apply_hook(hook, call.args)

    def _apply_hook(self, hook: _Hook, args: dict[str, Any]) -> None:
        content: dict[str, Any] = {
            "text": args.get("text") or "",
            "blocks": args.get("blocks") or [],
        }
        original = next((e for e in self._ephemerals if e.id == hook.ephemeral_id), None)
        if args.get("delete_original"):
            if original is not None:
                self._ephemerals.remove(original)
            return
        if args.get("replace_original") is True or args.get("replace_original") == "true":
            if original is not None:
                original.text, original.blocks = content["text"], content["blocks"]
                return
            if hook.message_ts:
                with self.slack._lock:
                    message = self.slack.find_message(hook.channel, hook.message_ts)
                    if message is not None:
                        message.update(content)
                return
        if args.get("response_type") == "in_channel":
            with self.slack._lock:
                channel = self.slack.channels[hook.channel]
                message = {"type": "message", "user": self.slack.BOT_USER_ID, **content}
                message["bot_id"] = self.slack.BOT_ID
                self.slack._append_message(channel, message, None)
            return
        self._ephemeral(hook.user, hook.channel, content)

    # ----------------------------------------------------------------- what a person does
    def command(self, user_id: Any, channel_id: Any, text: str) -> None:
        """`/harassment …` typed in a channel or in the DM with the bot."""
        user = self._person(user_id).id
        channel = self._visible_channel(user, channel_id)
        name, _, rest = text.strip().partition(" ")
        if name != COMMAND:
            self._ephemeral(user, channel, {"text": f"{name} is not a valid command."})
            return
        payload = self.sender.command_payload(COMMAND, rest.strip(), user_id=user)
        payload["channel_id"], payload["channel_name"] = channel, self._channel_name(channel)
        payload["response_url"] = self._response_url(_Hook(user, channel))
        answer = self.sender.send(urlencode(payload), FORM)
        if answer.status == 200 and answer.text.strip():
            try:
                body = json.loads(answer.text)
            except ValueError:
                body = {"text": answer.text}
            if isinstance(body, dict) and (body.get("text") or body.get("blocks")):
                self._ephemeral(user, channel, body)

    def _channel_name(self, channel_id: str) -> str:
        channel = self.slack.channels.get(channel_id)
        return "directmessage" if channel is None or channel.is_im else channel.name

    def message(self, user_id: Any, channel_id: Any, text: str, thread_ts: Any = None) -> None:
        """A message typed by a person: to the bot's DM it is a `message.im` event; elsewhere
        it is only stored (the app subscribes to no other message events)."""
        user = self._person(user_id).id
        channel = self._visible_channel(user, channel_id)
        thread = str(thread_ts) if thread_ts else None
        if thread is not None and self.slack.find_message(channel, thread) is None:
            raise RefusedInput("no such thread")
        if channel == "D" + user:
            self.sender.send_dm(user, wire_text(text), thread_ts=thread)
        else:
            self.slack.post_user_message(user, wire_text(text), channel=channel, thread_ts=thread)

    def message_action(
        self,
        user_id: Any,
        channel_id: Any,
        message_ts: Any,
        action_id: str,
        value: Any,
        values: dict[str, Any],
        ephemeral_id: Any = None,
    ) -> None:
        """A click or selection on a message (or on an ephemeral message) in a channel."""
        user = self._person(user_id).id
        channel = self._visible_channel(user, channel_id)
        ephemeral = self._find_ephemeral(user, str(ephemeral_id)) if ephemeral_id else None
        if ephemeral_id:
            if ephemeral is None:
                raise RefusedInput("no such ephemeral message")
            message: dict[str, Any] | None = ephemeral
        else:
            message = self.slack.find_message(channel, str(message_ts))
        if message is None:
            raise RefusedInput("no such message")
        payload = self.sender.block_actions(
            action_id,
            value=value,
            user_id=user,
            channel_id=channel,
            message=_copy(message),
            values=values,
            is_ephemeral=ephemeral is not None,
        )
        if ephemeral is not None:
            payload.pop("message", None)  # Slack does not send an ephemeral message's content
        hook = _Hook(
            user,
            channel,
            None if ephemeral else str(message_ts),
            ephemeral_id and str(ephemeral_id),
        )
        payload["response_url"] = self._response_url(hook)
        self.sender.interaction(payload)

    def _find_ephemeral(self, user: str, ephemeral_id: str) -> dict[str, Any] | None:
        """An ephemeral message shown to `user`: the app's own (chat.postEphemeral, ids "S…")
        or one that came through a response_url."""
        for posted in self.slack.ephemerals(user):
            if "S" + str(posted["ts"]) == ephemeral_id:
                return {"type": "message", **posted}
        with self._lock:
            for e in self._ephemerals:
                if e.id == ephemeral_id and e.user == user:
                    return {"type": "message", "ts": e.id, "text": e.text, "blocks": e.blocks}
        return None

    def view_action(
        self, user_id: Any, view_id: Any, action_id: str, value: Any, values: dict[str, Any]
    ) -> None:
        """A click or selection in a modal or in the App Home."""
        user = self._person(user_id).id
        view = self._own_view(user, str(view_id))
        payload = self.sender.block_actions(
            action_id, value=value, user_id=user, view=_copy(view), values=values
        )
        self.sender.interaction(payload)

    def _own_view(self, user: str, view_id: str) -> dict[str, Any]:
        home = self.slack.home_view(user)
        stack = self.slack.modal_stack(user)
        for view in [*stack, *([home] if home else [])]:
            if view["id"] == view_id:
                return view
        raise RefusedInput("not a view this person has open")

    def submit(self, user_id: Any, view_id: Any, values: dict[str, Any]) -> None:
        user = self._person(user_id).id
        view = self._own_view(user, str(view_id))
        payload = self.sender.view_submission(_copy(view), values, user)
        answer = self.sender.interaction(payload)
        outcome = (
            apply_view_answer(self.slack, user, view["id"], answer.text)
            if answer.status == 200
            else ViewOutcome(problem=f"HTTP {answer.status}")
        )
        with self._lock:
            self._view_outcomes[view["id"]] = outcome

    def close(self, user_id: Any, view_id: Any) -> None:
        user = self._person(user_id).id
        view = self._own_view(user, str(view_id))
        close_view(self.slack, user, view["id"])
        if view.get("notify_on_close"):
            self.sender.interaction(self.sender.view_closed(_copy(view), user))

    def shortcut(
        self, user_id: Any, callback_id: str, channel_id: Any = None, message_ts: Any = None
    ) -> None:
        user = self._person(user_id).id
        if channel_id and message_ts:
            channel = self._visible_channel(user, channel_id)
            message = self.slack.find_message(channel, str(message_ts))
            if message is None:
                raise RefusedInput("no such message")
            payload = self.sender.message_shortcut(callback_id, _copy(message), channel, user)
            payload["response_url"] = self._response_url(_Hook(user, channel))
        else:
            payload = self.sender.global_shortcut(callback_id, user)
        self.sender.interaction(payload)

    def open_home(self, user_id: Any) -> None:
        user = self._person(user_id).id
        event: dict[str, Any] = {"type": "app_home_opened", "user": user, "tab": "home"}
        event["channel"] = self.slack.dm_channel(user).id
        home = self.slack.home_view(user)
        if home is not None:
            event["view"] = _copy(home)
        self.sender.event(event)

    def upload(self, user_id: Any, name: str, mimetype: str, content: bytes) -> dict[str, Any]:
        """A file chosen in a modal's file_input: Slack stores it first and puts the file object
        in the submission's state."""
        user = self._person(user_id).id
        return self.slack.add_file(user, name, content, mimetype=mimetype or None)

    def fast_forward(self, seconds: float) -> None:
        if not 0 < seconds <= 90 * 86400:
            raise RefusedInput("fast-forward by up to 90 days")
        self.clock.advance(timedelta(seconds=seconds))

    # ----------------------------------------------------------------- what a person sees
    def state(self, user_id: Any) -> dict[str, Any]:
        """Everything `user_id`'s Slack window shows, as JSON for the page."""
        me = self._person(user_id)
        self._drain_response_urls()
        self.slack.dm_channel(me.id)
        with self.slack._lock:
            channels = [
                {
                    "id": c.id,
                    "name": c.name,
                    "kind": "im" if c.is_im else ("private" if c.is_private else "public"),
                    "messages": [{**m, "replies": c.threads.get(m["ts"], [])} for m in c.messages],
                }
                for c in self.slack.channels.values()
                if (c.is_im and c.user == me.id) or (not c.is_im and me.id in c.members)
            ]
            ephemerals = [
                {
                    "id": "S" + str(e["ts"]),
                    "channel": e["channel"],
                    "text": e.get("text", ""),
                    "blocks": e.get("blocks") or [],
                    "thread_ts": e.get("thread_ts"),
                }
                for e in self.slack.ephemerals(me.id)
            ]
            modals = [
                {**v, "outcome": self._outcome(v["id"])} for v in self.slack.modal_stack(me.id)
            ]
            home = self.slack.home_view(me.id)
            users = {
                uid: {"name": u["name"], "real_name": u["real_name"]}
                for uid, u in self.slack.users.items()
            }
            # Slack names a private channel only to its members.
            names = {
                c.id: c.name
                for c in self.slack.channels.values()
                if not c.is_im and (not c.is_private or me.id in c.members)
            }
            snapshot = _copy(
                {
                    "channels": channels,
                    "modals": modals,
                    "home": home,
                    "users": users,
                    "channel_names": names,
                }
            )
        with self._lock:
            ephemerals += [
                {
                    "id": e.id,
                    "channel": e.channel,
                    "text": e.text,
                    "blocks": e.blocks,
                    "thread_ts": e.thread_ts,
                }
                for e in self._ephemerals
                if e.user == me.id
            ]
        return {
            **snapshot,
            "me": me.id,
            "people": [p.__dict__ for p in PEOPLE],
            "desk_channel": DESK_CHANNEL,
            "bot": {"id": self.slack.BOT_USER_ID, "name": "Harassment Desk"},
            "now": self.clock.now().timestamp(),
            "offset_s": self.clock.offset.total_seconds(),
            "ephemerals": _copy(ephemerals),
        }

    def _outcome(self, view_id: str) -> dict[str, Any]:
        with self._lock:
            outcome = self._view_outcomes.get(view_id)
        if outcome is None:
            return {"errors": {}, "problem": None}
        return {"errors": outcome.errors, "problem": outcome.problem}
