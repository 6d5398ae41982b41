"""The case conversation's rules: what a DM to the bot becomes, what the desk may send, consent,
added details and withdrawal. Plain functions over the database; Slack is reached only through
outbox rows written in the same transaction (renderers.py turns them into calls).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.clock import Clock
from bot.conversation import ids
from bot.conversation.evidence.service import Refused, accept_files, as_stored, offered_files
from bot.conversation.text import is_blank
from bot.home import enqueue_home_refreshes
from bot.report import DESK_UPDATE, RECEIPT_UPDATE
from bot.restriction import AccessGate
from bot.slack.limits import MESSAGE_TEXT_MAX
from bot.slack.markup import slack_text_to_plain
from bot.slack.staff import DeskStaff
from bot.slack.threads import thread_parent
from storage.db import SessionFactory
from storage.models import Case, CaseMessage, CaseStatus
from storage.repositories import cases as cases_repo
from storage.repositories import checkins as checkins_repo
from storage.repositories import conversation as conversation_repo
from storage.repositories import outbox as outbox_repo

log = logging.getLogger(__name__)

COUNTS_DELAY = timedelta(seconds=1)
OPEN_STATUSES = (CaseStatus.NEW, CaseStatus.ACKNOWLEDGED, CaseStatus.ESCALATED)
DENIED_PREFIX = "denied:"
DM_TEXT_MAX = MESSAGE_TEXT_MAX


@dataclass(frozen=True)
class IncomingDm:
    """A message the reporter wrote to the bot, as the `message.im` event carried it."""

    user_id: str
    channel: str
    ts: str
    thread_ts: str | None
    text: str  # Slack's wire text
    files: list[dict[str, Any]] = field(default_factory=list)
    locale: str | None = None  # the writer's, for answers when no case says it


@dataclass(frozen=True)
class DmOutcome:
    """What became of a DM: `relayed` to a case, `asked` which case, or told why not."""

    # relayed | asked | duplicate | no_case | withdrawn | unknown_thread | empty | too_long
    # | not_own_dm
    status: str
    case_id: int | None = None
    message_id: int | None = None


@dataclass(frozen=True)
class DeskOutcome:
    """A desk action's result: `error` is a catalogue key to tell the clicker, else None."""

    error: str | None = None
    reference: str = ""
    case_id: int | None = None


@dataclass(frozen=True)
class ReporterOutcome:
    error: str | None = None
    reference: str = ""
    locale: str = "ja"


def _open(case: Case) -> bool:
    return case.status in OPEN_STATUSES


class ConversationService:
    def __init__(
        self,
        *,
        sessions: SessionFactory,
        clock: Clock,
        staff: DeskStaff,
        access: AccessGate | None = None,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._staff = staff
        self._access = access

    # ----------------------------------------------------------------- reporter -> desk
    def receive_dm(self, dm: IncomingDm) -> DmOutcome:
        """Store the DM once and relay it, or tell the reporter plainly why it went nowhere."""
        try:
            return self._receive_dm(dm)
        except IntegrityError:
            # The same message stored by a concurrent delivery of the event (a retry racing
            # the first delivery): the unique source (channel, ts) kept it to one row.
            return DmOutcome("duplicate")

    def _receive_dm(self, dm: IncomingDm) -> DmOutcome:
        now = self._clock.now()
        with self._sessions.begin() as session:
            if not conversation_repo.is_own_dm(session, dm.user_id, dm.channel):
                # Only a signed forgery names a channel that is not the writer's DM with the
                # bot; answering there would post into whatever channel it named.
                return DmOutcome("not_own_dm")
            if conversation_repo.by_source(session, dm.channel, dm.ts) is not None:
                return DmOutcome("duplicate")  # Slack retried the event: stored once
            in_thread = dm.thread_ts is not None and dm.thread_ts != dm.ts
            case = None
            if in_thread:
                assert dm.thread_ts is not None
                case = conversation_repo.case_for_thread(
                    session, dm.user_id, dm.channel, dm.thread_ts, now
                )
            reply_to = thread_parent(dm.ts, dm.thread_ts)  # where answers go
            if case is not None and case.status == CaseStatus.WITHDRAWN:
                self._notice(session, dm, "conv.dm.withdrawn", reply_to, now, case=case)
                return DmOutcome("withdrawn", case.id)
            text = slack_text_to_plain(dm.text)
            if len(text) > DM_TEXT_MAX:
                self._notice(session, dm, "conv.dm.too_long", reply_to, now, case=case)
                return DmOutcome("too_long", case.id if case else None)
            files = offered_files(dm.files)
            if is_blank(text) and not files:
                self._notice(session, dm, "conv.dm.empty", reply_to, now, case=case)
                return DmOutcome("empty", case.id if case else None)
            routed_here = False
            if case is None:
                open_cases = [
                    c for c in conversation_repo.reporter_cases(session, dm.user_id) if _open(c)
                ]
                if not open_cases:
                    key = "conv.dm.unknown_thread" if in_thread else "conv.dm.no_case"
                    self._notice(session, dm, key, reply_to, now, report_button=True)
                    return DmOutcome("unknown_thread" if in_thread else "no_case")
                if len(open_cases) > 1:
                    message = self._store_incoming(session, None, dm, text, files, now)
                    outbox_repo.enqueue(
                        session,
                        kind=ids.ROUTE_QUESTION,
                        dedupe_key=_route_question_key(message.id),
                        payload={
                            "message_id": message.id,
                            "user_id": dm.user_id,
                            "channel": dm.channel,
                            "thread_ts": reply_to,
                            "locale": open_cases[-1].reporter_locale,
                        },
                        now=now,
                    )
                    return DmOutcome("asked", None, message.id)
                case, routed_here = open_cases[0], True
            message = self._store_incoming(session, case.id, dm, text, files, now)
            self._relay_in(session, case, message, now)
            if routed_here:
                self._notice(
                    session, dm, "conv.dm.routed_one", reply_to, now, case=case, unique=dm.ts
                )
            return DmOutcome("relayed", case.id, message.id)

    def route(
        self, user_id: str, message_id: int, case_id: int, clicked_on: tuple[str, str]
    ) -> ReporterOutcome:
        """The reporter picked the case a DM outside any thread is about. The click counts only
        on the question the bot posted for that DM: the answer rewrites that message, and a
        forged click naming another message would rewrite it and take its buttons away."""
        now = self._clock.now()
        with self._sessions.begin() as session:
            message = conversation_repo.message(session, message_id)
            case = cases_repo.get(session, case_id)
            if message is None or case is None:
                return ReporterOutcome("conv.error.gone")
            question = outbox_repo.delivered_by_key(session, _route_question_key(message.id))
            if (
                message.reporter_user_id != user_id
                or case.reporter_user_id != user_id
                or question != clicked_on
            ):
                self._deny(session, user_id, "route", case_id, now)
                return ReporterOutcome("conv.error.not_yours", locale=case.reporter_locale)
            if message.case_id is not None:
                return ReporterOutcome(None, case.reference, case.reporter_locale)  # double click
            if case.status == CaseStatus.WITHDRAWN:
                return ReporterOutcome("conv.error.withdrawn", case.reference, case.reporter_locale)
            message.case_id = case.id
            session.flush()
            self._relay_in(session, case, message, now)
            outbox_repo.enqueue(
                session,
                kind=ids.ROUTE_ANSWERED,
                dedupe_key=f"conv:{message.id}:routed",
                case_id=case.id,
                payload={"channel": question[0], "ts": question[1], "message_id": message.id},
                now=now,
            )
            return ReporterOutcome(None, case.reference, case.reporter_locale)

    def edit_dm(self, user_id: str, channel: str, ts: str, text: str) -> bool:
        """The reporter edited a relayed message: the case thread's copy follows. Only the
        person who wrote it, in their own DM, can change it; an edit past Slack's own length
        limit keeps the text the desk already has."""
        now = self._clock.now()
        plain = slack_text_to_plain(text)
        with self._sessions.begin() as session:
            message = self._own_message(session, user_id, channel, ts)
            if message is None or len(plain) > DM_TEXT_MAX:
                return False
            message.text = plain
            message.revision += 1
            message.edited_at = now
            self._mirror(session, message, "conversation.edited", now)
            return True

    def delete_dm(self, user_id: str, channel: str, ts: str) -> bool:
        """The reporter deleted a relayed message: its text is dropped, the copy says so."""
        now = self._clock.now()
        with self._sessions.begin() as session:
            message = self._own_message(session, user_id, channel, ts)
            if message is None:
                return False
            message.text = ""
            message.revision += 1
            message.deleted_at = now
            self._mirror(session, message, "conversation.deleted", now)
            return True

    @staticmethod
    def _own_message(session: Session, user_id: str, channel: str, ts: str) -> CaseMessage | None:
        """The live message `user_id` wrote in their own DM at `ts`, else None."""
        if not conversation_repo.is_own_dm(session, user_id, channel):
            return None
        message = conversation_repo.by_source(session, channel, ts)
        if (
            message is None
            or message.deleted_at is not None
            or message.direction != "in"
            or message.reporter_user_id != user_id
        ):
            return None
        return message

    # ----------------------------------------------------------------- desk -> reporter
    def authorise(self, actor: str, action: str, case_id: int | None) -> bool:
        """Desk staff only (channel membership, briefly cached), and only on a case they may see
        (`AccessGate.may_see`: restricted cases, the reporter's exclusions); a refusal is
        audited."""
        if self._staff.is_staff(actor) and (case_id is None or self._may_see(actor, case_id)):
            return True
        with self._sessions.begin() as session:
            self._deny(session, actor, action, case_id, self._clock.now())
        return False

    def _may_see(self, actor: str, case_id: int) -> bool:
        if self._access is None:
            return True
        staff, lead = self._access.is_staff(actor), self._access.is_lead(actor)
        with self._sessions() as session:
            gone = cases_repo.get(session, case_id) is None  # the caller says it is gone
            return gone or self._access.may_see_as(session, case_id, actor, staff=staff, lead=lead)

    def check_desk(self, actor: str, case_id: int, action: str) -> DeskOutcome:
        """Before the desk's modal opens: staff, case exists, not withdrawn. Opening the
        modal counts as reading the reporter's messages (the unread count resets)."""
        if not self.authorise(actor, action, case_id):
            return DeskOutcome("desk.denied")
        now = self._clock.now()
        with self._sessions.begin() as session:
            case = cases_repo.get(session, case_id)
            if case is None:
                return DeskOutcome("conv.error.gone")
            if case.status == CaseStatus.WITHDRAWN:
                return DeskOutcome("conv.error.case_withdrawn", case.reference, case.id)
            if conversation_repo.mark_read(session, case.id, now):
                self._case_changed(session, case, "read", now, counts_only=True)
            return DeskOutcome(None, case.reference, case.id)

    def send_to_reporter(self, actor: str, case_id: int, text: str, signed: bool) -> DeskOutcome:
        if not self.authorise(actor, "message_reporter", case_id):
            return DeskOutcome("desk.denied")
        if is_blank(text):
            return DeskOutcome("conv.error.empty_text")
        now = self._clock.now()
        with self._sessions.begin() as session:
            case = cases_repo.get(session, case_id)
            if case is None:
                return DeskOutcome("conv.error.gone")
            if case.status == CaseStatus.WITHDRAWN:
                return DeskOutcome("conv.error.case_withdrawn", case.reference, case.id)
            message = queue_to_reporter(session, case, actor, text, signed=signed, now=now)
            cases_repo.record_event(
                session,
                case_id=case.id,
                actor_user_id=actor,
                action="conversation.to_reporter",
                now=now,
                after={"message_id": message.id, "signed": signed},
            )
            self._case_changed(session, case, f"out:{message.id}", now, counts_only=True)
            return DeskOutcome(None, case.reference, case.id)

    def ask_name(self, actor: str, case_id: int) -> DeskOutcome:
        """Ask an anonymous reporter, in their DM thread, whether they share their name."""
        if not self.authorise(actor, "ask_name", case_id):
            return DeskOutcome("desk.denied")
        now = self._clock.now()
        with self._sessions.begin() as session:
            case = cases_repo.get(session, case_id)
            if case is None:
                return DeskOutcome("conv.error.gone")
            if case.status == CaseStatus.WITHDRAWN:
                return DeskOutcome("conv.error.case_withdrawn", case.reference, case.id)
            if case.identity == "named":
                return DeskOutcome("conv.error.already_named", case.reference, case.id)
            thread = conversation_repo.ensure_thread(session, case.id, now)
            if thread is None:
                return DeskOutcome("conv.error.no_thread", case.reference, case.id)
            if thread.consent_state == "asked":
                return DeskOutcome("conv.error.already_asked", case.reference, case.id)
            thread.consent_state = "asked"
            thread.consent_asked_by = actor
            thread.consent_message_ts = None
            event = cases_repo.record_event(
                session,
                case_id=case.id,
                actor_user_id=actor,
                action="identity_requested",
                now=now,
                before={"identity": case.identity},
            )
            session.flush()
            outbox_repo.enqueue(
                session,
                kind=ids.CONSENT_REQUEST,
                dedupe_key=f"conv:case:{case.id}:consent:{event.id}",
                case_id=case.id,
                payload={"event_id": event.id},
                now=now,
            )
            self._desk_line(
                session, case, "conv.desk.consent_asked", {"user": f"<@{actor}>"}, event.id, now
            )
            self._case_changed(session, case, f"consent_asked:{event.id}", now)
            return DeskOutcome(None, case.reference, case.id)

    # ----------------------------------------------------------------- reporter actions
    def answer_consent(self, user_id: str, case_id: int, share: bool) -> ReporterOutcome:
        now = self._clock.now()
        with self._sessions.begin() as session:
            case = cases_repo.get(session, case_id)
            if case is None:
                return ReporterOutcome("conv.error.gone")
            if case.reporter_user_id != user_id:
                self._deny(session, user_id, "consent", case.id, now)
                return ReporterOutcome("conv.error.not_yours")
            thread = conversation_repo.thread(session, case.id)
            if thread is None or thread.consent_state != "asked":
                return ReporterOutcome(None, case.reference, case.reporter_locale)  # answered
            answer = "shared" if share else "declined"
            thread.consent_state = answer
            before = {"identity": case.identity, "version": case.version}
            if share:
                session.execute(
                    update(Case)
                    .where(Case.id == case.id)
                    .values(identity="named", version=Case.version + 1, updated_at=now)
                    .execution_options(synchronize_session=False)
                )
                session.refresh(case)
            event = cases_repo.record_event(
                session,
                case_id=case.id,
                actor_user_id=user_id,
                action=f"identity_{answer}",
                now=now,
                before=before,
                after={"identity": case.identity, "version": case.version},
            )
            session.flush()
            outbox_repo.enqueue(
                session,
                kind=ids.CONSENT_ANSWERED,
                dedupe_key=f"conv:case:{case.id}:consent_answer:{event.id}",
                case_id=case.id,
                payload={"answer": answer},
                now=now,
            )
            params = {"user": f"<@{case.reporter_user_id}>"} if share else {}
            self._desk_line(session, case, f"conv.desk.consent_{answer}", params, event.id, now)
            self._case_changed(session, case, f"consent:{event.id}", now)
            return ReporterOutcome(None, case.reference, case.reporter_locale)

    def check_reporter(self, user_id: str, case_id: int) -> ReporterOutcome:
        """Before the reporter's Add information modal opens."""
        with self._sessions() as session:
            case = cases_repo.get(session, case_id)
            if case is None:
                return ReporterOutcome("conv.error.gone")
            if case.reporter_user_id != user_id:
                return ReporterOutcome("conv.error.not_yours")
            if case.status == CaseStatus.WITHDRAWN:
                return ReporterOutcome("conv.error.withdrawn", case.reference, case.reporter_locale)
            return ReporterOutcome(None, case.reference, case.reporter_locale)

    def reply(self, user_id: str, case_id: int, text: str) -> ReporterOutcome:
        """The reporter's reply typed in the modal of the desk's messages (sealed mode): stored
        and relayed as a message from the reporter, like a reply in the DM thread."""
        return self.add_details(user_id, case_id, text, kind="message")

    def add_details(
        self,
        user_id: str,
        case_id: int,
        text: str,
        files: list[dict[str, Any]] | None = None,
        kind: str = "details",
    ) -> ReporterOutcome:
        now = self._clock.now()
        with self._sessions.begin() as session:
            case = cases_repo.get(session, case_id)
            if case is None:
                return ReporterOutcome("conv.error.gone")
            if case.reporter_user_id != user_id:
                self._deny(session, user_id, "add_details", case.id, now)
                return ReporterOutcome("conv.error.not_yours")
            if case.status == CaseStatus.WITHDRAWN:
                return ReporterOutcome("conv.error.withdrawn", case.reference, case.reporter_locale)
            offered = offered_files(files or [])
            if is_blank(text) and not offered:
                return ReporterOutcome(
                    "conv.error.empty_text", case.reference, case.reporter_locale
                )
            message = conversation_repo.add_message(
                session,
                CaseMessage(
                    case_id=case.id,
                    reporter_user_id=user_id,
                    direction="in",
                    author_kind="reporter",
                    kind=kind,
                    signed=False,
                    text=text.strip(),
                    files=as_stored(offered),
                    revision=0,
                    created_at=now,
                ),
            )
            if kind != "details":
                self._relay_in(session, case, message, now)
                return ReporterOutcome(None, case.reference, case.reporter_locale)
            self._relay_in(session, case, message, now, action="details_added")
            thread = conversation_repo.ensure_thread(session, case.id, now)
            outbox_repo.enqueue(
                session,
                kind=ids.DM_NOTICE,
                dedupe_key=f"conv:{message.id}:details_sent",
                case_id=case.id,
                payload={
                    "key": "conv.dm.details_sent",
                    "params": {"reference": case.reference},
                    "user_id": user_id,
                    "channel": thread.dm_channel if thread else user_id,
                    "thread_ts": thread.thread_ts if thread else None,
                    "locale": case.reporter_locale,
                },
                now=now,
            )
            return ReporterOutcome(None, case.reference, case.reporter_locale)

    def withdraw(self, user_id: str, case_id: int) -> ReporterOutcome:
        """The reporter withdraws: `withdrawn`, check-ins stop, the desk is told."""
        now = self._clock.now()
        with self._sessions.begin() as session:
            case = cases_repo.get(session, case_id)
            if case is None:
                return ReporterOutcome("conv.error.gone")
            if case.reporter_user_id != user_id:
                self._deny(session, user_id, "withdraw", case.id, now)
                return ReporterOutcome("conv.error.not_yours")
            if case.status == CaseStatus.WITHDRAWN:
                return ReporterOutcome(None, case.reference, case.reporter_locale)
            before = {"status": case.status, "version": case.version}
            session.execute(
                update(Case)
                .where(Case.id == case.id)
                .values(
                    status=CaseStatus.WITHDRAWN,
                    version=Case.version + 1,
                    updated_at=now,
                    resolved_at=now,  # closed: retention counts from here, as for resolved
                    sla_due_at=None,
                    sla_claimed_until=None,
                )
                .execution_options(synchronize_session=False)
            )
            session.refresh(case)
            cancelled = checkins_repo.cancel_scheduled(session, case.id)
            event = cases_repo.record_event(
                session,
                case_id=case.id,
                actor_user_id=user_id,
                action="withdrawn",
                now=now,
                before=before,
                after={"status": case.status, "version": case.version, "checkins": cancelled},
            )
            session.flush()
            self._desk_line(session, case, "conv.desk.withdrawn", {}, event.id, now)
            outbox_repo.enqueue(  # the receipt loses its Add information / Withdraw buttons
                session,
                kind=RECEIPT_UPDATE,
                dedupe_key=f"case:{case.id}:receipt_update:withdrawn",
                case_id=case.id,
                now=now,
            )
            thread = conversation_repo.ensure_thread(session, case.id, now)
            outbox_repo.enqueue(
                session,
                kind=ids.DM_NOTICE,
                dedupe_key=f"conv:case:{case.id}:withdrawn",
                case_id=case.id,
                payload={
                    "key": "conv.dm.withdrawn_done",
                    "params": {"reference": case.reference},
                    "user_id": user_id,
                    "channel": thread.dm_channel if thread else user_id,
                    "thread_ts": thread.thread_ts if thread else None,
                    "locale": case.reporter_locale,
                },
                now=now,
            )
            self._case_changed(session, case, f"withdrawn:{event.id}", now)
            return ReporterOutcome(None, case.reference, case.reporter_locale)

    # ----------------------------------------------------------------- helpers
    def _store_incoming(
        self,
        session: Session,
        case_id: int | None,
        dm: IncomingDm,
        text: str,
        files: list[Any],
        now: datetime,
    ) -> CaseMessage:
        return conversation_repo.add_message(
            session,
            CaseMessage(
                case_id=case_id,
                reporter_user_id=dm.user_id,
                direction="in",
                author_kind="reporter",
                kind="message",
                signed=False,
                text="" if is_blank(text) else text,
                files=as_stored(files),
                source_channel=dm.channel,
                source_ts=dm.ts,
                revision=0,
                created_at=now,
            ),
        )

    def _relay_in(
        self,
        session: Session,
        case: Case,
        message: CaseMessage,
        now: datetime,
        action: str = "conversation.from_reporter",
    ) -> None:
        outbox_repo.enqueue(
            session,
            kind=ids.TO_DESK,
            dedupe_key=f"conv:{message.id}:to_desk",
            case_id=case.id,
            payload={"message_id": message.id},
            now=now,
        )
        refused: list[Refused] = []
        if message.files:
            refused = accept_files(
                session,
                case_id=case.id,
                message_id=message.id,
                files=offered_files(message.files),
                now=now,
                anonymous=case.identity != "named",
            )
        if refused:
            lines = [{"name": r.name, "reason": r.reason} for r in refused]
            # In the case's DM thread (under the receipt, a parent by construction), wherever
            # the files came from: the reporter's message may itself be a reply, and a reply's
            # ts must not be used as a thread's parent.
            outbox_repo.enqueue(
                session,
                kind=ids.DM_NOTICE,
                dedupe_key=f"conv:{message.id}:files_refused",
                case_id=case.id,
                payload={
                    "key": "conv.dm.files_refused",
                    "refused": lines,
                    "user_id": message.reporter_user_id,
                    "in_case_thread": True,
                    "locale": case.reporter_locale,
                },
                now=now,
            )
            outbox_repo.enqueue(
                session,
                kind=ids.DESK_LINE,
                dedupe_key=f"conv:{message.id}:files_refused_desk",
                case_id=case.id,
                payload={"refused": [{"name": r.desk_name, "reason": r.reason} for r in refused]},
                now=now,
            )
        cases_repo.record_event(
            session,
            case_id=case.id,
            actor_user_id=message.reporter_user_id,
            action=action,
            now=now,
            after={"message_id": message.id, "files": len(message.files), "refused": len(refused)},
        )
        self._case_changed(session, case, f"in:{message.id}", now, counts_only=True)

    def _mirror(self, session: Session, message: CaseMessage, action: str, now: datetime) -> None:
        if message.case_id is None:
            return  # not relayed yet: the relay will show the current text
        outbox_repo.enqueue(
            session,
            kind=ids.COPY_UPDATE,
            dedupe_key=f"conv:{message.id}:copy_update:{message.revision}",
            case_id=message.case_id,
            payload={"message_id": message.id},
            now=now,
        )
        cases_repo.record_event(
            session,
            case_id=message.case_id,
            actor_user_id=message.reporter_user_id,
            action=action,
            now=now,
            after={"message_id": message.id, "revision": message.revision},
        )
        case = cases_repo.get(session, message.case_id)
        if case is not None and message.deleted_at is not None:
            self._case_changed(session, case, f"deleted:{message.id}", now, counts_only=True)

    def _notice(
        self,
        session: Session,
        dm: IncomingDm,
        key: str,
        thread_ts: str | None,
        now: datetime,
        *,
        case: Case | None = None,
        report_button: bool = False,
        unique: str | None = None,
    ) -> None:
        outbox_repo.enqueue(
            session,
            kind=ids.DM_NOTICE,
            dedupe_key=f"conv:notice:{dm.channel}:{unique or dm.ts}:{key}",
            case_id=case.id if case else None,
            payload={
                "key": key,
                "params": {"reference": case.reference} if case else {},
                "user_id": dm.user_id,
                "channel": dm.channel,
                "thread_ts": thread_ts,
                "report_button": report_button,
                "locale": case.reporter_locale if case else dm.locale,
            },
            now=now,
        )

    def _desk_line(
        self,
        session: Session,
        case: Case,
        key: str,
        params: dict[str, str],
        event_id: int,
        now: datetime,
    ) -> None:
        outbox_repo.enqueue(
            session,
            kind=ids.DESK_LINE,
            dedupe_key=f"conv:case:{case.id}:line:{event_id}",
            case_id=case.id,
            payload={"key": key, "params": params},
            now=now,
        )

    def _case_changed(
        self, session: Session, case: Case, change: str, now: datetime, *, counts_only: bool = False
    ) -> None:
        """Re-render the case message (unread count, buttons) and the App Homes. A change of
        the counts only waits a second and shares one re-render with the others of that
        second: under load, relays must not queue behind a chat.update per message."""
        not_before, update_key = None, change
        if counts_only:
            window = int(now.timestamp())
            update_key, not_before = f"counts:{window}", now + COUNTS_DELAY
        outbox_repo.enqueue(
            session,
            kind=DESK_UPDATE,
            dedupe_key=f"case:{case.id}:desk_update:conv:{update_key}",
            case_id=case.id,
            now=now,
            not_before=not_before,
        )
        enqueue_home_refreshes(
            session,
            change_key=f"case:{case.id}:conv:{change}",
            reporter_user_id=case.reporter_user_id,
            staff_members=self._staff.cached_members(),
            now=now,
        )

    def _deny(
        self, session: Session, actor: str, action: str, case_id: int | None, now: datetime
    ) -> None:
        known = case_id is not None and cases_repo.get(session, case_id) is not None
        cases_repo.record_event(
            session,
            case_id=case_id if known else None,
            actor_user_id=actor,
            action=f"{DENIED_PREFIX}conv_{action}"[:48],
            now=now,
        )
        log.info("denied conversation action %s on case %s to %s", action, case_id, actor)


def queue_to_reporter(
    session: Session,
    case: Case,
    actor: str,
    text: str,
    *,
    signed: bool,
    now: datetime,
    kind: str = "message",
) -> CaseMessage:
    """A desk message to the reporter, in the caller's transaction: stored, then relayed into
    the reporter's DM thread and copied into the case thread. Unsigned, it names no desk member
    to the reporter; it never names the reporter to the desk."""
    message = conversation_repo.add_message(
        session,
        CaseMessage(
            case_id=case.id,
            reporter_user_id=case.reporter_user_id,
            direction="out",
            author_kind="desk",
            kind=kind,
            desk_author_id=actor,
            signed=signed,
            text=text.strip(),
            files=[],
            revision=0,
            created_at=now,
        ),
    )
    conversation_repo.mark_read(session, case.id, now)
    for outbox_kind in (ids.TO_REPORTER, ids.DESK_COPY):
        outbox_repo.enqueue(
            session,
            kind=outbox_kind,
            dedupe_key=f"conv:{message.id}:{outbox_kind}",
            case_id=case.id,
            payload={"message_id": message.id},
            now=now,
        )
    return message


def _route_question_key(message_id: int) -> str:
    return f"conv:{message_id}:route"


def accept_form_evidence(
    session: Session, case: Case, files: Sequence[dict[str, Any]], now: datetime
) -> None:
    """The report form's files (a report hook: inside the report's own transaction). Refusals
    are answered in the case's DM thread once the receipt is there, and told to the desk."""
    refused = accept_files(
        session,
        case_id=case.id,
        message_id=None,
        files=offered_files(files),
        now=now,
        anonymous=case.identity != "named",
    )
    if not refused:
        return
    lines = [{"name": r.name, "reason": r.reason} for r in refused]
    outbox_repo.enqueue(
        session,
        kind=ids.DM_NOTICE,
        dedupe_key=f"conv:case:{case.id}:form_files_refused",
        case_id=case.id,
        payload={
            "key": "conv.dm.files_refused",
            "refused": lines,
            "user_id": case.reporter_user_id,
            "in_case_thread": True,
            "locale": case.reporter_locale,
        },
        now=now,
    )
    outbox_repo.enqueue(
        session,
        kind=ids.DESK_LINE,
        dedupe_key=f"conv:case:{case.id}:form_files_refused_desk",
        case_id=case.id,
        payload={"refused": [{"name": r.desk_name, "reason": r.reason} for r in refused]},
        now=now,
    )


def enqueue_slack_purge(session: Session, case_id: int, now: datetime) -> int:
    """Before a case is purged: queue the deletion of what it left in Slack (the bot's file
    copies, its posts in the reporter's DM and in the desk channel). The rows carry no case
    (it is deleted in this same transaction) and no text, only Slack ids."""
    objects = conversation_repo.slack_objects_for_purge(session, case_id)
    count = 0
    for file_id in objects["files"]:
        count += outbox_repo.enqueue(
            session,
            kind=ids.PURGE_FILE,
            dedupe_key=f"purge:file:{file_id}",
            payload={"file": file_id},
            now=now,
        )
    for channel, ts in [*objects["dm_posts"], *objects["desk_posts"]]:
        count += outbox_repo.enqueue(
            session,
            kind=ids.PURGE_POST,
            dedupe_key=f"purge:post:{channel}:{ts}",
            payload={"channel": channel, "ts": ts},
            now=now,
        )
    return count
