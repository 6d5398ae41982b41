"""Delivering outbox rows to Slack: retries with backoff, honours 429 Retry-After, sends once.

Each row's `kind` names a *renderer* that turns the row (and the database state it points at)
into one Slack call. Rendering happens at delivery time, so a case message always shows the
case as it is now. Posts carry the row id in Slack message metadata: when a worker died after
Slack accepted a post but before the `ts` was recorded, the retry finds the post instead of
sending it twice.
"""

from __future__ import annotations

import heapq
import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from sqlalchemy.orm import Session

from bot.clock import Clock
from bot.metrics import Metrics
from bot.slack.threads import ThreadParent
from storage.db import SessionFactory, background_work
from storage.models import OutboxMessage, OutboxStatus
from storage.repositories import cases as cases_repo
from storage.repositories import outbox as outbox_repo

log = logging.getLogger(__name__)

METADATA_EVENT_TYPE = "harassment_desk_outbox"
# Errors that no retry can fix: the content or the target is wrong. Everything else (outages,
# 5xx, not_in_channel until someone invites the bot) is retried with capped backoff.
PERMANENT_ERRORS = frozenset(
    {
        "invalid_blocks",
        "invalid_arguments",
        "msg_too_long",
        "no_text",
        "user_not_found",
        "cannot_dm_bot",
        "message_not_found",
        "cant_update_message",
        "invalid_blocks_format",
        "is_archived",
        # The person left or cannot be reached by the bot: no retry will change that.
        "user_disabled",
        "user_not_visible",
        "method_not_supported_for_channel_type",
        "messages_tab_disabled",
    }
)
GAVE_UP = "gave_up"
DEFAULT_GIVE_UP = timedelta(days=2)
# How a failure with no answer from Slack is recorded: the request may have reached Slack.
TRANSPORT_ERROR = "transport: "
MAX_BACKOFF = timedelta(minutes=15)
MAX_NOT_READY_WAIT = timedelta(minutes=1)
# A batch's claims are renewed when less than this share of the lease is left: a send (the
# delivery client's timeout is a third of the lease, with one retry on a connection error)
# then always ends while the claim still holds.
RENEW_WHEN_LEFT = 0.75


# Slack lets an app post about one message per second to a channel (chat.postMessage's docs,
# "short bursts" allowed above it). After a 429 for a channel, its further posts are spaced
# this far apart for PACE_FOR, instead of each being tried and answered 429 again. The fifth
# above one second is for the time a post takes to reach Slack, which varies: spaced exactly
# a second apart, 8 of 20 posts to a channel limited to one a second were refused.
CHANNEL_POST_SPACING = timedelta(seconds=1.2)
PACE_FOR = timedelta(minutes=1)
PACED = "paced"
RATE_LIMITED = "ratelimited"
NOT_READY = "not_ready: "
MAX_WAKE_DELAY_S = 60.0


class ChannelPacer:
    """Which channels Slack has rate-limited lately, and when each may take its next post.

    Two rules for a paced channel: posts leave at least `spacing` apart, and a row that must
    wait is given its own slot (the slots a spacing apart), so that waiting rows come due one
    by one instead of all together. A row that waited for its slot keeps it when it comes.
    Thread-safe (the kicked run and the tick can deliver at once); per process, since each
    replica learns its limits from its own 429s. Time comes from the caller."""

    def __init__(
        self, spacing: timedelta = CHANNEL_POST_SPACING, pace_for: timedelta = PACE_FOR
    ) -> None:
        self._spacing = spacing
        self._pace_for = pace_for
        self._lock = threading.Lock()
        self._paced_until: dict[str, datetime] = {}
        self._last_sent: dict[str, datetime] = {}
        self._reserved: dict[str, datetime] = {}  # the latest slot given out

    def limited(self, channel: str, now: datetime, retry_after: timedelta) -> datetime:
        """Slack answered 429 for `channel`: returns the refused post's slot."""
        with self._lock:
            self._paced_until[channel] = now + self._pace_for
            slot = max(now + retry_after, self._free_at(channel, now))
            self._reserved[channel] = max(slot, self._reserved.get(channel, slot))
            return slot

    def slot(self, channel: str, now: datetime, held: datetime | None = None) -> datetime | None:
        """None when a post to `channel` may go now (it then counts as sent); otherwise when
        to try it. `held` is the slot the row waited for, if it did."""
        with self._lock:
            until = self._paced_until.get(channel)
            if until is None:
                return None
            free_at = self._free_at(channel, now)
            if now >= until and free_at <= now:
                for table in (self._paced_until, self._last_sent, self._reserved):
                    table.pop(channel, None)
                return None
            reserved = self._reserved.get(channel)
            waiting_ahead = held is None and reserved is not None and reserved > now
            if free_at <= now and not waiting_ahead:
                self._last_sent[channel] = now
                return None
            if held is not None:
                return free_at  # its slot came a little early or a post was late: just after
            slot = max(free_at, reserved + self._spacing if reserved is not None else free_at)
            self._reserved[channel] = slot
            return slot

    def _free_at(self, channel: str, now: datetime) -> datetime:
        last = self._last_sent.get(channel)
        return max(now, last + self._spacing) if last is not None else now


class NotReady(Exception):
    """The row depends on another side effect that has not happened yet (e.g. the case's `ts`)."""


OnDelivered = Callable[[Session, str, str], None]


class ChannelWatch(Protocol):
    """Told how each post or update to a channel went (the desk channel's readiness)."""

    def delivery_failed(self, channel: str, error: str) -> None: ...

    def delivered(self, channel: str) -> None: ...


@dataclass(frozen=True)
class Post:
    """chat.postMessage. `channel` may be a user id: the DM is opened first. A reply names its
    thread's parent (`bot.slack.threads.thread_parent`)."""

    channel: str
    text: str
    blocks: list[dict[str, Any]]
    thread_ts: ThreadParent | None = None
    on_delivered: OnDelivered | None = None


@dataclass(frozen=True)
class Update:
    channel: str
    ts: str
    text: str
    blocks: list[dict[str, Any]]
    on_delivered: OnDelivered | None = None


@dataclass(frozen=True)
class Publish:
    """views.publish of a user's App Home."""

    user_id: str
    view: dict[str, Any]


@dataclass(frozen=True)
class Perform:
    """Other Slack work (a reaction, a file copy, a delete): `run(client)` does it and returns
    the (channel, ts) `on_delivered` gets ("" when there is none; not kept on the row, which
    names only what the bot posted); `on_delivered` runs in the transaction that marks the
    row done. `run` raises SlackApiError/OSError to be retried like a post, or
    DeliveryFailed for an outcome of its own."""

    run: Callable[[WebClient], tuple[str, str]]
    on_delivered: OnDelivered | None = None


class DeliveryFailed(Exception):
    """Raised by a Perform: `error` is recorded; permanent errors are not retried."""

    def __init__(self, error: str, *, permanent: bool = False) -> None:
        super().__init__(error)
        self.error = error
        self.permanent = permanent


@dataclass(frozen=True)
class Skip:
    """Nothing to send any more (e.g. the check-in was cancelled meanwhile)."""

    reason: str


Delivery = Post | Update | Publish | Perform | Skip
Renderer = Callable[[Session, OutboxMessage], Delivery]
Outcome = Callable[[Session], None]


@dataclass
class _Batch:
    """One claimed batch: its session, the claims still held, and the last row's outcome."""

    session: Session
    held_until: datetime
    ours: set[int]
    loaded: Sequence[object] = ()  # rows the renderers will want, held so the session keeps them
    outcome: Outcome | None = None

    def record_outcome(self) -> None:
        """Apply the previous row's outcome in the transaction now open."""
        if self.outcome is not None:
            outcome, self.outcome = self.outcome, None
            outcome(self.session)


@dataclass
class DeliveryStats:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    deduplicated: int = 0
    errors: dict[str, int] = field(default_factory=dict)


class OutboxWorker:
    """Claims due outbox rows and delivers them. Safe to run in several threads and replicas."""

    def __init__(
        self,
        *,
        sessions: SessionFactory,
        client: WebClient,
        clock: Clock,
        renderers: Mapping[str, Renderer],
        lease: timedelta = timedelta(seconds=60),
        batch_size: int = 50,
        metrics: Metrics | None = None,
        give_up: timedelta = DEFAULT_GIVE_UP,
        channel_watch: ChannelWatch | None = None,
    ) -> None:
        self._metrics = metrics or Metrics()
        self._give_up = give_up
        self._watch = channel_watch
        self._sessions = sessions
        self._client = client
        self._clock = clock
        self._renderers = dict(renderers)
        self._lease = lease
        self._batch_size = batch_size
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="outbox")
        self._kick_lock = threading.Lock()
        self._kick_pending = False
        self._stopping = threading.Event()
        self._delivers_here = True
        self._wake_elsewhere: Callable[[], None] | None = None
        self._dm_channels: dict[str, str] = {}
        self._pacer = ChannelPacer()
        self._wake_timer: threading.Timer | None = None
        self._wake_due: datetime | None = None
        self._wakes: list[datetime] = []  # a heap of the times rows were put off to

    def deliver_elsewhere(self, wake: Callable[[], None] | None = None) -> None:
        """This process only writes rows (the web process when a worker process delivers):
        `kick` delivers nothing here; it calls `wake` (which tells the workers, e.g. by a
        PostgreSQL NOTIFY), and without one the workers find the rows at their next poll."""
        self._delivers_here = False
        self._wake_elsewhere = wake

    def kick(self) -> None:
        """Deliver soon, off the caller's thread; many kicks in a burst coalesce into one run."""
        if not self._delivers_here:
            if self._wake_elsewhere is not None:
                self._wake_elsewhere()
            return
        with self._kick_lock:
            if self._kick_pending:
                return
            self._kick_pending = True
        self._executor.submit(self._run_kicked)

    def _run_kicked(self) -> None:
        with self._kick_lock:
            self._kick_pending = False
        try:
            self.deliver_due()
        except Exception:
            # Nobody waits on this thread's result: log it here or it is lost. The next tick
            # retries whatever was not delivered.
            log.exception("outbox delivery run failed")

    def _wake_at(self, when: datetime) -> None:
        """Run again at `when` (a paced, rate-limited or not-ready row's time) instead of at
        the next tick, which may be many seconds later. One timer, for the earliest time."""
        if not self._delivers_here or self._stopping.is_set():
            return
        with self._kick_lock:
            heapq.heappush(self._wakes, when)
            if self._wake_due is None or when < self._wake_due:
                self._arm_wake_locked()

    def _arm_wake_locked(self) -> None:
        if self._wake_timer is not None:
            self._wake_timer.cancel()
            self._wake_timer = self._wake_due = None
        if not self._wakes or self._stopping.is_set():
            return
        due = self._wakes[0]
        delay = (due - self._clock.now()).total_seconds()
        timer = threading.Timer(min(max(delay, 0.0), MAX_WAKE_DELAY_S), self._woken, (due,))
        timer.daemon = True
        self._wake_timer, self._wake_due = timer, due
        timer.start()

    def _woken(self, due: datetime) -> None:
        with self._kick_lock:
            # Only what this timer was for: with a clock that stands still (tests), times
            # still ahead would otherwise re-arm at once, forever.
            while self._wakes and self._wakes[0] <= due:
                heapq.heappop(self._wakes)
            self._wake_timer = self._wake_due = None
            self._arm_wake_locked()
        self.kick()

    def shutdown(self) -> None:
        """Stop after the row being sent (its outcome is recorded) and wait for that."""
        self._stopping.set()
        with self._kick_lock:
            if self._wake_timer is not None:
                self._wake_timer.cancel()
        self._executor.shutdown(wait=True, cancel_futures=True)

    def deliver_due(self, max_batches: int = 20) -> DeliveryStats:
        """Deliver what is due now, batch by batch; returns counts for logs and benchmarks."""
        with background_work():
            return self._deliver_batches(max_batches)

    def _deliver_batches(self, max_batches: int) -> DeliveryStats:
        stats = DeliveryStats()
        for _ in range(max_batches):
            if self._stopping.is_set():
                break
            claimed = self._deliver_batch(stats)
            if claimed < self._batch_size:
                break
        return stats

    def _deliver_batch(self, stats: DeliveryStats) -> int:
        """Claim a batch and deliver it in one session: the claim loads the rows and the cases
        they point at (renderers then find them without SQL), and each row costs one short
        transaction, which records the previous row's outcome and renders this one."""
        with self._sessions() as session:
            now = self._clock.now()
            with session.begin():
                claimed = outbox_repo.claim_batch(
                    session, now=now, lease=self._lease, limit=self._batch_size
                )
                cases = cases_repo.load(
                    session, {m.case_id for m, _ in claimed if m.case_id is not None}
                )
            batch = _Batch(
                session=session,
                held_until=now + self._lease,
                ours={message.id for message, _ in claimed},
                loaded=cases,
            )
            for message, previous_error in claimed:
                if self._stopping.is_set():
                    break  # the rest wait for their claims to run out, then another worker
                # An attempt counted with no recorded outcome means a worker died mid-send; a
                # transport error (a timeout, a dropped connection) leaves the outcome just as
                # open. Either way Slack may already have the message. (The claim has counted
                # this attempt already.)
                outcome_unknown = message.attempts > 1 and (
                    previous_error is None or previous_error.startswith(TRANSPORT_ERROR)
                )
                # A row that waited for its channel's slot (or its Retry-After) holds that slot.
                held = message.next_attempt_at if previous_error in (PACED, RATE_LIMITED) else None
                self._deliver_one(batch, message, outcome_unknown, stats, held_slot=held)
            if batch.outcome is not None:
                with session.begin():
                    batch.record_outcome()
        return len(claimed)

    def _still_ours(self, batch: _Batch, message_id: int) -> bool:
        """True while the batch's claim on the row holds long enough for one send; renews the
        claims on all the batch's remaining rows at once when it is running out."""
        now = self._clock.now()
        if batch.held_until - now < self._lease * RENEW_WHEN_LEFT:
            renewed = now + self._lease
            batch.ours = outbox_repo.renew_claims(
                batch.session, sorted(batch.ours), held_until=batch.held_until, until=renewed
            )
            batch.held_until = renewed
        # Another worker may have taken the row after the batch's lease ran out; then it is not
        # ours to send. (Without this check, 2 of 2,460 benchmark messages were posted twice.)
        return message_id in batch.ours

    def _deliver_one(
        self,
        batch: _Batch,
        message: OutboxMessage,
        outcome_unknown: bool,
        stats: DeliveryStats,
        *,
        held_slot: datetime | None = None,
    ) -> None:
        session = batch.session
        with session.begin():
            batch.record_outcome()
            if not self._still_ours(batch, message.id):
                return
            batch.ours.discard(message.id)
            if self._clock.now() - message.created_at > self._give_up:
                # Nothing retries forever: past DELIVERY_GIVE_UP the row is failed (and counted
                # on the desk's App Home) instead of being sent days late.
                self._metrics.delivery(message.kind, "failed")
                self._fail(message, GAVE_UP, stats)
                return
            renderer = self._renderers.get(message.kind)
            try:
                if renderer is None:
                    raise LookupError(f"no renderer for outbox kind {message.kind!r}")
                delivery = renderer(session, message)
            except NotReady as exc:
                wait = min(MAX_NOT_READY_WAIT, timedelta(seconds=2 * message.attempts))
                self._retry_later(message, f"{NOT_READY}{exc}", wait, stats)
                return
            except Exception:
                # A bug in one renderer must not hold up every other delivery; the row waits
                # (with its traceback in the log) until a fixed version picks it up.
                log.exception("outbox %s (%s): rendering failed", message.id, message.kind)
                self._retry_later(message, "render_error", self._backoff(message), stats)
                return
            if isinstance(delivery, Post):
                slot = self._pacer.slot(delivery.channel, self._clock.now(), held_slot)
                if slot is not None:
                    # Not an attempt: the row waits for the channel's next free second.
                    message.attempts = max(0, message.attempts - 1)
                    self._retry_later(message, PACED, slot - self._clock.now(), stats)
                    return
        # The outcome is recorded in the next row's transaction (or the batch's last one):
        # one transaction per row instead of two. Until then the row stays `sending` with no
        # error, which a crash turns into "outcome unknown": the retry looks the post up first.
        try:
            channel, ts = self._send(delivery, message.id, outcome_unknown, stats)
        except SlackApiError as exc:
            api_error = exc
            if self._watch is not None and isinstance(delivery, Post | Update):
                self._watch.delivery_failed(delivery.channel, str(exc.response.get("error")))
            retry_at = self._paced_retry(delivery, exc)
            batch.outcome = lambda inner: self._record_slack_error(
                message, api_error, stats, inner, retry_at
            )
            return
        except DeliveryFailed as exc:
            failed = exc
            batch.outcome = lambda inner: self._record_failure(
                message, failed.error, permanent=failed.permanent, stats=stats, session=inner
            )
            return
        except (SlackClientError, OSError) as exc:
            # Connection refused, timeouts and DNS failures reach us as OSError (URLError).
            error = f"{TRANSPORT_ERROR}{type(exc).__name__}"
            batch.outcome = lambda inner: self._record_failure(
                message, error, permanent=False, stats=stats, session=inner
            )
            return
        if self._watch is not None:
            self._watch.delivered(channel)
        batch.outcome = lambda inner: self._record_sent(
            message, delivery, channel, ts, stats, inner
        )

    def _record_sent(
        self,
        message: OutboxMessage,
        delivery: Delivery,
        channel: str,
        ts: str,
        stats: DeliveryStats,
        session: Session,
    ) -> None:
        message.status = OutboxStatus.DONE
        message.delivered_at = self._clock.now()
        message.claimed_until = None
        # The row names a message only when the bot posted it (or updated its own post): the
        # retention purge deletes what these name. A Perform's (channel, ts) may be someone
        # else's message (the one a reaction went on) or a file, which the bot cannot delete
        # with chat.delete and must not try to.
        posted = isinstance(delivery, Post | Update)
        message.result_channel = (channel or None) if posted else None
        message.result_ts = (ts or None) if posted else None
        if (isinstance(delivery, Post) and delivery.on_delivered and channel and ts) or (
            isinstance(delivery, Perform | Update) and delivery.on_delivered
        ):
            delivery.on_delivered(session, channel, ts)
        if not isinstance(delivery, Skip):
            stats.sent += 1
        self._metrics.delivery(message.kind, "skipped" if isinstance(delivery, Skip) else "sent")

    def _send(
        self, delivery: Delivery, message_id: int, outcome_unknown: bool, stats: DeliveryStats
    ) -> tuple[str, str]:
        if isinstance(delivery, Skip):
            return "", ""
        if isinstance(delivery, Update):
            self._client.chat_update(
                channel=delivery.channel, ts=delivery.ts, text=delivery.text, blocks=delivery.blocks
            )
            return delivery.channel, delivery.ts
        if isinstance(delivery, Publish):
            self._client.views_publish(user_id=delivery.user_id, view=delivery.view)
            return "", ""
        if isinstance(delivery, Perform):
            return delivery.run(self._client)
        channel = self._resolve_channel(delivery.channel)
        if outcome_unknown:
            found = self._find_posted(channel, delivery.thread_ts, message_id)
            if found:
                stats.deduplicated += 1
                return channel, found
        response = self._client.chat_postMessage(
            channel=channel,
            text=delivery.text,
            blocks=delivery.blocks,
            thread_ts=delivery.thread_ts,
            unfurl_links=False,
            unfurl_media=False,
            metadata={
                "event_type": METADATA_EVENT_TYPE,
                "event_payload": {"outbox_id": message_id},
            },
        )
        return str(response["channel"]), str(response["ts"])

    def _resolve_channel(self, channel: str) -> str:
        if not channel.startswith(("U", "W")):
            return channel
        cached = self._dm_channels.get(channel)
        if cached:
            return cached
        response = self._client.conversations_open(users=channel)
        dm_channel = str(response["channel"]["id"])
        self._dm_channels[channel] = dm_channel
        return dm_channel

    def _find_posted(self, channel: str, thread_ts: str | None, message_id: int) -> str | None:
        if thread_ts:
            response = self._client.conversations_replies(
                channel=channel, ts=thread_ts, include_all_metadata=True, limit=200
            )
        else:
            response = self._client.conversations_history(
                channel=channel, include_all_metadata=True, limit=200
            )
        for item in response.get("messages") or []:
            metadata = item.get("metadata") or {}
            payload = metadata.get("event_payload") or {}
            if (
                metadata.get("event_type") == METADATA_EVENT_TYPE
                and payload.get("outbox_id") == message_id
            ):
                return str(item["ts"])
        return None

    def _paced_retry(self, delivery: Delivery, exc: SlackApiError) -> datetime | None:
        """For a 429 on a post: the channel is paced from now on (before the batch's next row
        is sent), and the refused post gets its slot. None for any other error."""
        if not _rate_limited(exc) or not isinstance(delivery, Post):
            return None
        now = self._clock.now()
        return self._pacer.limited(delivery.channel, now, _retry_after(exc))

    def _record_slack_error(
        self,
        message: OutboxMessage,
        exc: SlackApiError,
        stats: DeliveryStats,
        session: Session,
        retry_at: datetime | None = None,
    ) -> None:
        error = str(exc.response.get("error") or f"http_{exc.response.status_code}")
        self._metrics.slack_error(error)
        if _rate_limited(exc):
            now = self._clock.now()
            delay = retry_at - now if retry_at is not None else _retry_after(exc)
            # A rate limit is Slack asking us to wait, not a failed attempt.
            message.attempts = max(0, message.attempts - 1)
            self._retry_later(message, RATE_LIMITED, max(delay, timedelta(0)), stats)
            return
        self._record_failure(
            message, error, permanent=error in PERMANENT_ERRORS, stats=stats, session=session
        )

    def _record_failure(
        self,
        message: OutboxMessage,
        error: str,
        *,
        permanent: bool,
        stats: DeliveryStats,
        session: Session,
    ) -> None:
        stats.errors[error] = stats.errors.get(error, 0) + 1
        self._metrics.delivery(message.kind, "failed" if permanent else "retried")
        if permanent:
            self._fail(message, error, stats)
            return
        backoff = self._backoff(message)
        self._retry_later(message, error, backoff, stats)
        log.warning(
            "outbox %s (%s) attempt %s failed: %s; retrying in %ss",
            message.id,
            message.kind,
            message.attempts,
            error,
            int(backoff.total_seconds()),
            extra={"case_id": message.case_id},
        )

    @staticmethod
    def _fail(message: OutboxMessage, error: str, stats: DeliveryStats) -> None:
        """Give the row up. The one log line names the row, its kind and the error code, never
        its content or the person it was for."""
        message.status = OutboxStatus.FAILED
        message.last_error = error[:255]
        message.claimed_until = None
        stats.failed += 1
        log.error(
            "outbox %s (%s) failed permanently after %s attempts: %s",
            message.id,
            message.kind,
            message.attempts,
            error,
            extra={"case_id": message.case_id},
        )

    @staticmethod
    def _backoff(message: OutboxMessage) -> timedelta:
        return min(MAX_BACKOFF, timedelta(seconds=2 ** min(message.attempts, 10)))

    def _retry_later(
        self, message: OutboxMessage, error: str, delay: timedelta, stats: DeliveryStats
    ) -> None:
        message.status = OutboxStatus.PENDING
        message.last_error = error[:255]
        message.claimed_until = None
        message.next_attempt_at = self._clock.now() + delay
        stats.retried += 1
        if error in (PACED, RATE_LIMITED) or error.startswith(NOT_READY):
            self._wake_at(message.next_attempt_at)


def _rate_limited(exc: SlackApiError) -> bool:
    return bool(exc.response.status_code == 429 or exc.response.get("error") == RATE_LIMITED)


def _retry_after(exc: SlackApiError) -> timedelta:
    header = exc.response.headers.get("Retry-After", "1") or "1"
    try:
        return timedelta(seconds=max(1, int(header)))
    except ValueError:
        return timedelta(seconds=1)
