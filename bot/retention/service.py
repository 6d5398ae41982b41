"""The retention purge (APPI: keep no longer than needed), in the database and in Slack.

A case is purged when its last activity is older than `RETENTION`, whatever its status, unless
a desk lead put it on legal hold (by command or from the customer register). For each case:

1. the bot's Slack messages, and only those, are deleted with `chat.delete`: every thread post,
   DM and check-in DM it recorded as posted, the bot's own replies in the desk message's thread
   (people's replies are not the bot's to delete: they are not tried, counted or named), then
   the desk message itself, so no button on a dead message stays live;
2. every row naming the case is deleted (the case, its audit trail, check-ins, outbox rows),
   and for a reporter with no case left, every row naming them (App Home refresh rows, the
   users cache, home viewers, refusals recorded without a case);
3. one audit line is written for the run: counts only (of the bot's own messages Slack would
   not delete, per error code; never a channel or a ts), dated by the day only, so it cannot be
   matched to a report or a person.

A case whose Slack messages could not all be dealt with (Slack down, rate limited) is kept for
the next run: deleting its rows first would leave messages nobody could find again.
On SQLite, `secure_delete` zeroes the freed pages and the WAL is checkpointed and truncated
afterwards, so the text does not linger in the files.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from bot.config import Settings
from bot.conversation import enqueue_slack_purge
from bot.desk import LeadsUnavailable
from storage.db import SessionFactory
from storage.models import Case
from storage.repositories import cases as cases_repo
from storage.repositories import customers as customers_repo
from storage.repositories import purge as purge_repo
from storage.repositories.refusals import record_refusal

log = logging.getLogger(__name__)
PURGE_BATCH = 200
PURGE_ACTION = "purged"
# Answers after which a message counts as gone, or as one of the bot's own that Slack would not
# delete (counted in the audit by error code).
GONE = frozenset({"message_not_found", "thread_not_found"})
NOT_OURS = frozenset({"cant_delete_message", "channel_not_found", "is_archived", "not_in_channel"})


@dataclass
class PurgeResult:
    cases: int = 0
    rows: Counter[str] = field(default_factory=Counter)
    slack_deleted: int = 0
    slack_not_deleted: Counter[str] = field(default_factory=Counter)  # error code -> count
    kept_for_next_run: int = 0
    dry_run: bool = False

    def summary(self) -> str:
        """Counts only: no reference, no person, no time of day."""
        rows = ", ".join(f"{name} {count}" for name, count in sorted(self.rows.items()) if count)
        verb = "would delete" if self.dry_run else "deleted"
        line = f"purge: {verb} {self.cases} cases; rows: {rows or 'none'}"
        if self.dry_run:
            return line + f"; Slack messages to delete (the bot's own): {self.slack_deleted}"
        line += (
            f"; Slack messages deleted {self.slack_deleted}, "
            f"not deletable {self.slack_not_deleted.total()}"
        )
        if self.kept_for_next_run:
            line += f"; {self.kept_for_next_run} cases kept for the next run (Slack unavailable)"
        return line


class _SlackUnavailable(Exception):
    pass


def _delete(client: WebClient, channel: str, ts: str, result: PurgeResult) -> None:
    try:
        client.chat_delete(channel=channel, ts=ts)
    except SlackApiError as exc:
        error = str(exc.response.get("error") or f"http_{exc.response.status_code}")
        if error in GONE:
            return
        if error in NOT_OURS:
            result.slack_not_deleted[error] += 1
            return
        raise _SlackUnavailable(error) from None
    except (SlackClientError, OSError) as exc:
        raise _SlackUnavailable(type(exc).__name__) from None
    result.slack_deleted += 1


@dataclass(frozen=True)
class _Bot:
    """Who the bot is in Slack (auth.test): how its own messages are told from people's."""

    user_id: str
    bot_id: str

    def posted(self, message: dict[str, Any]) -> bool:
        return bool(
            (self.bot_id and message.get("bot_id") == self.bot_id)
            or (self.user_id and message.get("user") == self.user_id)
        )


def _whoami(client: WebClient) -> _Bot:
    try:
        answer = client.auth_test()
    except SlackApiError as exc:
        raise _SlackUnavailable(str(exc.response.get("error"))) from None
    except (SlackClientError, OSError) as exc:
        raise _SlackUnavailable(type(exc).__name__) from None
    return _Bot(str(answer.get("user_id") or ""), str(answer.get("bot_id") or ""))


def _thread_replies(client: WebClient, channel: str, ts: str, bot: _Bot) -> list[str]:
    """The bot's own replies in a thread (a file share of its copy, a post it did not record):
    people's replies are not the bot's to delete."""
    replies: list[str] = []
    cursor: str | None = None
    while True:
        try:
            response = client.conversations_replies(
                channel=channel, ts=ts, cursor=cursor, limit=200
            )
        except SlackApiError as exc:
            if exc.response.get("error") in GONE | NOT_OURS:
                return replies
            raise _SlackUnavailable(str(exc.response.get("error"))) from None
        except (SlackClientError, OSError) as exc:
            raise _SlackUnavailable(type(exc).__name__) from None
        replies += [
            str(m["ts"])
            for m in response.get("messages") or []
            if str(m.get("ts")) != ts and bot.posted(m)
        ]
        cursor = (response.get("response_metadata") or {}).get("next_cursor") or None
        if not cursor:
            return replies


def _delete_in_slack(
    client: WebClient, bot: _Bot, refs: purge_repo.SlackRefs, result: PurgeResult
) -> None:
    ours = set(refs.others)
    if refs.desk is not None:
        channel, ts = refs.desk
        for reply in _thread_replies(client, channel, ts, bot):
            if (channel, reply) not in ours:
                _delete(client, channel, reply, result)
    for channel, ts in refs.others:
        _delete(client, channel, ts, result)
    if refs.desk is not None:
        _delete(client, *refs.desk, result)


def purge(
    sessions: SessionFactory,
    client: WebClient | None,
    *,
    now: datetime,
    retention: timedelta,
    dry_run: bool = False,
    engine: Engine | None = None,
    today: date | None = None,
) -> PurgeResult:
    """Purge what is past retention (or, with `dry_run`, count it); see the module docstring.

    Customer records go with their last case, unless a measure (a ban) is still in
    force `today`; checked on every run, since a ban can end after its last case is gone.
    """
    result = PurgeResult(dry_run=dry_run)
    cutoff = now - retention
    if not dry_run:
        with sessions.begin() as session:
            result.rows["finished_slack_purge_rows"] += purge_repo.delete_finished_slack_purges(
                session
            )
            result.rows["customer_records"] += len(
                customers_repo.purge_unlinked(session, today=today or now.date())
            )
    with sessions() as session:
        case_ids = purge_repo.expired_case_ids(session, cutoff=cutoff, limit=PURGE_BATCH)
        refs = purge_repo.slack_refs(session, case_ids)
    if not case_ids:
        return result
    if dry_run:
        with sessions() as session:
            result.cases = len(case_ids)
            result.rows.update(purge_repo.count_case_rows(session, case_ids))
            reporters = {ref.reporter_user_id for ref in refs}
            leaving = purge_repo.people_without_other_cases(session, reporters, case_ids)
            result.rows.update(purge_repo.count_person_rows(session, leaving))
        result.slack_deleted = sum(len(r.others) + (1 if r.desk else 0) for r in refs)
        return result

    done: list[int] = []
    bot: _Bot | None = None
    for entry in refs:
        if client is None:
            done.append(entry.case_id)
            continue
        try:
            bot = bot or _whoami(client)
            _delete_in_slack(client, bot, entry, result)
        except _SlackUnavailable as exc:
            log.warning("purge: Slack unavailable (%s); a case is kept for the next run", exc)
            result.kept_for_next_run += 1
            continue
        done.append(entry.case_id)
    if not done:
        return result
    reporters = {entry.reporter_user_id for entry in refs if entry.case_id in done}
    with sessions.begin() as session:
        # Crypto-shredding, committed on its own before any row goes: from here on every copy
        # of these cases (a backup, the -wal, a dump) is noise, even if the deletion fails.
        result.rows["data_keys_shredded"] += purge_repo.shred_cases(session, done)
    with sessions.begin() as session:
        if engine is not None and engine.dialect.name == "sqlite":
            session.connection().exec_driver_sql("PRAGMA secure_delete = ON")
        result.cases = len(done)
        result.rows.update(purge_repo.count_case_rows(session, done))
        for case_id in done:
            # The conversation's Slack side (evidence file copies, relayed posts) is deleted
            # through the outbox (rows with Slack ids only, no case, no text).
            result.rows["slack_conversation_deletes_queued"] += enqueue_slack_purge(
                session, case_id, now
            )
        purge_repo.delete_cases(session, done)
        result.rows["customer_records"] += len(
            customers_repo.purge_unlinked(session, today=today or now.date())
        )
        leaving = purge_repo.people_without_other_cases(session, reporters, done)
        result.rows.update(purge_repo.count_person_rows(session, leaving))
        purge_repo.delete_person_rows(session, leaving)
        cases_repo.record_event(
            session,
            case_id=None,
            actor_user_id="system",
            action=PURGE_ACTION,
            # The day only: an exact time could be matched to a report's arrival.
            now=datetime.combine(now.date(), time(0), tzinfo=now.tzinfo),
            after=_audit(result),
        )
    if engine is not None and engine.dialect.name == "sqlite":
        _checkpoint(engine)
    log.info("%s", result.summary())
    return result


def _audit(result: PurgeResult) -> dict[str, Any]:
    return {
        "cases": result.cases,
        "rows": dict(sorted(result.rows.items())),
        "slack_deleted": result.slack_deleted,
        "slack_not_deleted": dict(sorted(result.slack_not_deleted.items())),
    }


def _checkpoint(engine: Engine) -> None:
    """Copy the WAL into the database file and truncate it, so deleted text is not left in it."""
    # A bare connection: SQLAlchemy's "begin" would open a write transaction first, and a
    # checkpoint cannot truncate the WAL from inside one.
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        cursor.fetchall()
        # The shredded data keys' file too: no wrapped key may linger in its -wal.
        cursor.execute("PRAGMA keystore.wal_checkpoint(TRUNCATE)")
        cursor.fetchall()
        cursor.close()
    finally:
        raw.close()


def run_purge(settings: Settings, *, dry_run: bool = False) -> PurgeResult:
    """`harassment-desk purge [--dry-run]`: one run with its own engine and Slack client."""
    from bot.keys import keyring_for
    from bot.slack.client import interactive_client
    from bot.startup import open_current_database
    from storage.db import make_session_factory

    engine = open_current_database(settings)
    try:
        return purge(
            make_session_factory(engine, keyring_for(settings, engine)),
            None if dry_run else interactive_client(settings),
            now=datetime.now(UTC),
            retention=settings.retention,
            dry_run=dry_run,
            engine=engine,
        )
    finally:
        engine.dispose()


class HoldOutcome(StrEnum):
    ON = "on"
    OFF = "off"
    UNCHANGED = "unchanged"
    NOT_FOUND = "not_found"
    NOT_LEAD = "not_lead"
    LEADS_UNAVAILABLE = "leads_unavailable"


HOLD_REFUSED = "denied:legal_hold"
# The cases a hold is asked for, found in the hold's own transaction; None: nothing by that name.
CaseFinder = Callable[[Session], Sequence[Case] | None]
# Runs in the hold's transaction once it is set or lifted (the customer register records its own
# line beside the cases' audit).
AfterHold = Callable[[Session, "HoldResult"], None]


@dataclass(frozen=True)
class HoldResult:
    outcome: HoldOutcome
    cases: int = 0
    changed: int = 0


class LegalHolds:
    """The one legal-hold rule, for `/harassment hold` and the customer register's button alike.

    Only a desk lead (DESK_LEADS) puts cases on legal hold (the purge skips them) or lifts it.
    Each change is audited on its case; a refusal is recorded once per person and case, with a
    count (`record_refusal`). Lifting a hold is activity: the case's retention clock starts
    again."""

    def __init__(self, sessions: SessionFactory, leads: Callable[[], tuple[str, ...]]) -> None:
        self._sessions = sessions
        self._leads = leads

    def set(self, *, actor: str, reference: str, hold: bool, now: datetime) -> HoldOutcome:
        def by_reference(session: Session) -> list[Case] | None:
            case = cases_repo.get_by_reference(session, reference.strip().upper())
            return None if case is None else [case]

        return self.apply(actor=actor, find=by_reference, hold=hold, now=now).outcome

    def apply(
        self,
        *,
        actor: str,
        find: CaseFinder,
        hold: bool,
        now: datetime,
        cause: dict[str, Any] | None = None,
        after: AfterHold | None = None,
    ) -> HoldResult:
        """Set (or lift) the hold on the cases `find` returns, if `actor` is a desk lead.
        `cause` goes into each case's audit line (what the hold came from)."""
        # Asked before the transaction: resolving a user group is a Slack call.
        try:
            is_lead = actor in self._leads()
        except LeadsUnavailable:
            return HoldResult(HoldOutcome.LEADS_UNAVAILABLE)
        with self._sessions.begin() as session:
            cases = find(session)
            if not is_lead:
                refused: list[int | None] = [case.id for case in cases or ()]
                for case_id in refused or [None]:
                    record_refusal(
                        session, case_id=case_id, actor_user_id=actor, action=HOLD_REFUSED, now=now
                    )
                return HoldResult(HoldOutcome.NOT_LEAD)
            if cases is None:
                return HoldResult(HoldOutcome.NOT_FOUND)
            changing = [case for case in cases if case.legal_hold != hold]
            for case in changing:
                _set_hold(session, case, actor=actor, hold=hold, now=now, cause=cause)
            outcome = (HoldOutcome.ON if hold else HoldOutcome.OFF) if changing else None
            result = HoldResult(outcome or HoldOutcome.UNCHANGED, len(cases), len(changing))
            if after is not None:
                after(session, result)
        return result


def _set_hold(
    session: Session,
    case: Case,
    *,
    actor: str,
    hold: bool,
    now: datetime,
    cause: dict[str, Any] | None,
) -> None:
    before = {"legal_hold": case.legal_hold, "legal_hold_by": case.legal_hold_by}
    case.legal_hold = hold
    case.legal_hold_by = actor if hold else None
    case.legal_hold_at = now if hold else None
    cases_repo.record_event(
        session,
        case_id=case.id,
        actor_user_id=actor,
        action="legal_hold" if hold else "legal_hold_lifted",
        now=now,
        before=before,
        after={"legal_hold": hold, "legal_hold_by": case.legal_hold_by, **(cause or {})},
    )
