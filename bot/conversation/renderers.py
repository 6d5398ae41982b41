"""Outbox renderers of the conversation and the evidence copies: rows -> Slack calls.

Each renders from the database as it is at delivery time (an edit made before the relay went
out is simply relayed edited). Posts into the case thread wait (NotReady) until the case
message exists; posts into the reporter's DM thread until the receipt DM does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from bot.clock import Clock
from bot.content_mode import ContentMode
from bot.conversation import ids
from bot.conversation import messages as msg
from bot.conversation.evidence import transfer
from bot.conversation.evidence.rules import (
    neutral_name,
    offered,
    refusal,
    safe_name,
    with_extension,
)
from bot.i18n import t
from bot.outbox import Delivery, NotReady, Perform, Post, Renderer, Skip, Update
from bot.slack.mrkdwn import escape
from bot.slack.threads import ThreadParent, thread_parent
from storage.db import SessionFactory
from storage.models import Case, CaseMessage, ConversationThread, EvidenceFile, OutboxMessage
from storage.repositories import cases as cases_repo
from storage.repositories import conversation as conversation_repo
from storage.repositories import outbox as outbox_repo

LocaleOf = Callable[[Session, str], str]
MARK_DELAY = timedelta(milliseconds=500)


def _case(session: Session, row: OutboxMessage) -> Case | None:
    return cases_repo.get(session, row.case_id) if row.case_id is not None else None


def _desk_thread(case: Case) -> tuple[str, ThreadParent]:
    if not case.desk_message_ts:
        raise NotReady("the case message has not been posted yet")
    return case.desk_channel_id, thread_parent(case.desk_message_ts)


def _dm_parent(thread: ConversationThread) -> ThreadParent:
    return thread_parent(thread.thread_ts)  # the receipt DM: a top-level post of the bot


def _parent(payload: dict[str, Any]) -> ThreadParent | None:
    """A notice's thread: the service stored the parent (the thread the reporter wrote in, or
    their top-level message itself)."""
    stored = payload.get("thread_ts")
    return thread_parent(str(stored)) if stored else None


def _dm_thread(session: Session, case: Case, now: datetime) -> ConversationThread:
    thread = conversation_repo.ensure_thread(session, case.id, now)
    if thread is None:
        raise NotReady("the receipt DM has not been delivered yet")
    return thread


def _message(session: Session, row: OutboxMessage) -> CaseMessage | None:
    message_id = row.payload.get("message_id")
    return conversation_repo.message(session, int(message_id)) if message_id else None


@dataclass(frozen=True)
class _CopyContext:
    """What an evidence copy needs besides its row: a session of its own (to record an upload
    before it completes), the Slack host files may come from, the download timeout."""

    sessions: SessionFactory
    api_url: str
    timeout: float
    desk_locale: str
    clock: Clock
    content: ContentMode = ContentMode.FULL


def relay_of(session: Session, case: Case, message: CaseMessage) -> msg.RelayToDesk:
    named = case.identity == "named"
    incoming = [
        m.id for m in conversation_repo.messages_of(session, case.id) if m.direction == "in"
    ]
    ordinal = incoming.index(message.id) + 1 if message.id in incoming else len(incoming)
    places = (
        {} if named or not message.files else conversation_repo.evidence_ordinals(session, case.id)
    )
    return msg.RelayToDesk(
        text=message.text,
        reference=case.reference,
        kind=message.kind,
        named_user=case.reporter_user_id if case.identity == "named" else None,
        files=[
            safe_name(str(f.get("name") or f.get("id")))
            if named
            else neutral_name(places.get(str(f.get("id")), index))
            for index, f in enumerate(message.files, start=1)
        ],
        edited=message.revision > 0 and message.deleted_at is None,
        deleted=message.deleted_at is not None,
        ordinal=ordinal,
    )


def conversation_renderers(
    *,
    desk_locale: str,
    locale_of: LocaleOf,
    clock: Clock,
    sessions: SessionFactory,
    api_url: str,
    download_timeout: float = transfer.DOWNLOAD_TIMEOUT_S,
    content: ContentMode = ContentMode.FULL,
) -> dict[str, Renderer]:
    copying = _CopyContext(sessions, api_url, download_timeout, desk_locale, clock, content)

    def to_desk(session: Session, row: OutboxMessage) -> Delivery:
        case, message = _case(session, row), _message(session, row)
        if case is None or message is None:
            return Skip("case or message deleted")
        channel, thread_ts = _desk_thread(case)
        rendered = msg.to_desk(relay_of(session, case, message), desk_locale, content)
        message_id, source = message.id, (message.source_channel, message.source_ts)

        def remember(inner: Session, posted_channel: str, ts: str) -> None:
            stored = conversation_repo.message(inner, message_id)
            if stored is None:
                return
            stored.copy_channel, stored.copy_ts = posted_channel, ts
            if source[0] and source[1]:
                outbox_repo.enqueue(
                    inner,
                    kind=ids.DELIVERED_MARK,
                    dedupe_key=f"conv:{message_id}:delivered",
                    case_id=stored.case_id,
                    payload={"message_id": message_id},
                    now=clock.now(),
                    # After the relays waiting now: under load a ✓ may come a moment later,
                    # the desk's copy should not.
                    not_before=clock.now() + MARK_DELAY,
                )

        return Post(channel, rendered.text, rendered.blocks, thread_ts, on_delivered=remember)

    def delivered_mark(session: Session, row: OutboxMessage) -> Delivery:
        message = _message(session, row)
        if message is None or not message.source_channel or not message.source_ts:
            return Skip("nothing to mark")
        channel, ts = message.source_channel, message.source_ts

        def react(client: WebClient) -> tuple[str, str]:
            try:
                client.reactions_add(channel=channel, timestamp=ts, name=ids.DELIVERED_REACTION)
            except SlackApiError as exc:
                error = exc.response.get("error")
                if error == "already_reacted":
                    return channel, ts
                if error == "message_not_found":  # the reporter deleted it meanwhile
                    return "", ""
                raise
            return channel, ts

        return Perform(react)

    def copy_update(session: Session, row: OutboxMessage) -> Delivery:
        case, message = _case(session, row), _message(session, row)
        if case is None or message is None:
            return Skip("case or message deleted")
        if not message.copy_channel or not message.copy_ts:
            raise NotReady("the relay has not been posted yet")
        rendered = msg.to_desk(relay_of(session, case, message), desk_locale, content)
        return Update(message.copy_channel, message.copy_ts, rendered.text, rendered.blocks)

    def to_reporter(session: Session, row: OutboxMessage) -> Delivery:
        case, message = _case(session, row), _message(session, row)
        if case is None or message is None:
            return Skip("case or message deleted")
        thread = _dm_thread(session, case, clock.now())
        rendered = msg.to_reporter(
            message.text,
            signer=message.desk_author_id if message.signed else None,
            locale=case.reporter_locale,
            content=content,
            case_id=case.id,
        )
        message_id = message.id

        def remember(inner: Session, channel: str, ts: str) -> None:
            stored = conversation_repo.message(inner, message_id)
            if stored is not None:
                stored.copy_channel, stored.copy_ts = channel, ts

        return Post(thread.dm_channel, rendered.text, rendered.blocks, _dm_parent(thread), remember)

    def desk_copy(session: Session, row: OutboxMessage) -> Delivery:
        case, message = _case(session, row), _message(session, row)
        if case is None or message is None:
            return Skip("case or message deleted")
        channel, thread_ts = _desk_thread(case)
        rendered = msg.desk_copy(
            message.text,
            author=message.desk_author_id or "",
            signed=message.signed,
            reference=case.reference,
            locale=desk_locale,
            content=content,
        )
        message_id = message.id

        def remember(inner: Session, _channel: str, ts: str) -> None:
            stored = conversation_repo.message(inner, message_id)
            if stored is not None:
                stored.desk_copy_ts = ts

        return Post(channel, rendered.text, rendered.blocks, thread_ts, remember)

    def dm_notice(session: Session, row: OutboxMessage) -> Delivery:
        payload = row.payload
        locale = payload.get("locale") or locale_of(session, str(payload["user_id"]))
        params = {str(k): str(v) for k, v in (payload.get("params") or {}).items()}
        if payload.get("refused"):
            params["lines"] = msg.refused_lines(payload["refused"], locale, content)
        if payload.get("failed"):
            params["name"] = "#" if content.sealed else escape(str(payload["failed"]))
        rendered = msg.notice(
            str(payload["key"]), locale, report_button=bool(payload.get("report_button")), **params
        )
        if payload.get("in_case_thread"):  # wait for the receipt, answer under it
            case = _case(session, row)
            if case is None:
                return Skip("case deleted")
            thread = _dm_thread(session, case, clock.now())
            return Post(thread.dm_channel, rendered.text, rendered.blocks, _dm_parent(thread))
        return Post(str(payload["channel"]), rendered.text, rendered.blocks, _parent(payload))

    def desk_line(session: Session, row: OutboxMessage) -> Delivery:
        case = _case(session, row)
        if case is None:
            return Skip("case deleted")
        channel, thread_ts = _desk_thread(case)
        payload = row.payload
        if payload.get("refused"):
            text = "\n".join(
                t(
                    "conv.desk.evidence_refused",
                    desk_locale,
                    name=f"#{index}" if content.sealed else escape(str(r["name"])),
                    reason=t("evidence.refusal." + r["reason"], desk_locale),
                )
                for index, r in enumerate(payload["refused"], start=1)
            )
        elif payload.get("failed"):
            failed = "#" if content.sealed else escape(payload["failed"])
            text = t("conv.desk.evidence_failed", desk_locale, name=failed)
        else:
            params = dict(payload.get("params") or {})
            if content.sealed and payload.get("key") == "conv.desk.consent_shared":
                # The name the reporter now shares is behind Show name in the case modal.
                params["user"] = t("access.sealed.reporter_named", desk_locale)
            text = t(str(payload["key"]), desk_locale, **params)
        rendered = msg.desk_line(text)
        return Post(channel, rendered.text, rendered.blocks, thread_ts)

    def consent_request(session: Session, row: OutboxMessage) -> Delivery:
        case = _case(session, row)
        if case is None:
            return Skip("case deleted")
        thread = _dm_thread(session, case, clock.now())
        rendered = msg.consent_request(
            case_id=case.id, reference=case.reference, locale=case.reporter_locale
        )
        case_id = case.id

        def remember(inner: Session, _channel: str, ts: str) -> None:
            stored = conversation_repo.thread(inner, case_id)
            if stored is not None:
                stored.consent_message_ts = ts

        return Post(thread.dm_channel, rendered.text, rendered.blocks, _dm_parent(thread), remember)

    def consent_answered(session: Session, row: OutboxMessage) -> Delivery:
        case = _case(session, row)
        if case is None:
            return Skip("case deleted")
        thread = conversation_repo.thread(session, case.id)
        if thread is None:
            return Skip("no thread")
        if not thread.consent_message_ts:
            raise NotReady("the consent request has not been posted yet")
        rendered = msg.consent_request(
            case_id=case.id,
            reference=case.reference,
            locale=case.reporter_locale,
            answer=str(row.payload["answer"]),
        )
        return Update(thread.dm_channel, thread.consent_message_ts, rendered.text, rendered.blocks)

    def route_question(session: Session, row: OutboxMessage) -> Delivery:
        payload = row.payload
        message = _message(session, row)
        if message is None or message.case_id is not None:
            return Skip("answered or gone")
        cases = [
            (c.id, c.reference)
            for c in reversed(conversation_repo.reporter_cases(session, message.reporter_user_id))
            if c.status in ("new", "acknowledged", "escalated")
        ]
        locale = payload.get("locale") or locale_of(session, message.reporter_user_id)
        rendered = msg.route_question(cases, message_id=message.id, locale=locale)
        return Post(str(payload["channel"]), rendered.text, rendered.blocks, _parent(payload))

    def route_answered(session: Session, row: OutboxMessage) -> Delivery:
        case = _case(session, row)
        if case is None:
            return Skip("case deleted")
        rendered = msg.route_question(
            [], message_id=0, locale=case.reporter_locale, chosen=case.reference
        )
        payload = row.payload
        return Update(str(payload["channel"]), str(payload["ts"]), rendered.text, rendered.blocks)

    def evidence_copy(session: Session, row: OutboxMessage) -> Delivery:
        case = _case(session, row)
        evidence = conversation_repo.evidence(session, int(row.payload["evidence_id"]))
        if case is None or evidence is None:
            return Skip("case or file deleted")
        if evidence.status != "pending":
            return Skip(f"already {evidence.status}")
        ordinal = conversation_repo.evidence_ordinals(session, case.id)[evidence.source_file_id]
        return _copy_job(evidence, case, ordinal, copying)

    def purge_file(session: Session, row: OutboxMessage) -> Delivery:
        file_id = str(row.payload["file"])

        def delete(client: WebClient) -> tuple[str, str]:
            try:
                client.files_delete(file=file_id)
            except SlackApiError as exc:
                if exc.response.get("error") not in ("file_deleted", "file_not_found"):
                    raise
            return "", ""

        return Perform(delete)

    def purge_post(session: Session, row: OutboxMessage) -> Delivery:
        channel, ts = str(row.payload["channel"]), str(row.payload["ts"])

        def delete(client: WebClient) -> tuple[str, str]:
            try:
                client.chat_delete(channel=channel, ts=ts)
            except SlackApiError as exc:
                # Gone already, or not the bot's to delete (Slack refuses some of its own too:
                # python-slack-sdk#1717): nothing more the app can do.
                if exc.response.get("error") not in ("message_not_found", "cant_delete_message"):
                    raise
            return "", ""

        return Perform(delete)

    return {
        ids.PURGE_FILE: purge_file,
        ids.PURGE_POST: purge_post,
        ids.TO_DESK: to_desk,
        ids.DELIVERED_MARK: delivered_mark,
        ids.COPY_UPDATE: copy_update,
        ids.TO_REPORTER: to_reporter,
        ids.DESK_COPY: desk_copy,
        ids.DM_NOTICE: dm_notice,
        ids.DESK_LINE: desk_line,
        ids.CONSENT_REQUEST: consent_request,
        ids.CONSENT_ANSWERED: consent_answered,
        ids.ROUTE_QUESTION: route_question,
        ids.ROUTE_ANSWERED: route_answered,
        ids.EVIDENCE_COPY: evidence_copy,
    }


def _copy_job(
    evidence: EvidenceFile,
    case: Case,
    ordinal: int,
    job: _CopyContext,
) -> Perform:
    """Download (files.info first for a stub), type and clean in a capped child, upload; the
    bytes never touch storage. An anonymous reporter's file reaches the desk as
    `evidence-<n>.<ext>`; the upload's file id is recorded before the copy is shared."""
    evidence_id, file_id = evidence.id, evidence.source_file_id
    started_id = evidence.copy_file_id  # an upload begun before a crash, if any
    # Sealed, every copy is named neutrally: a file's name is text its sender wrote.
    anonymous = case.identity != "named" or job.content.sealed
    channel, thread_ts = _desk_thread(case)
    known: dict[str, Any] = {
        "name": evidence.name,
        "mimetype": evidence.mimetype,
        "size": evidence.size,
        "url": evidence.source_url,
    }
    result: dict[str, Any] = {}

    def record_started(upload_id: str) -> None:
        # Committed before completeUploadExternal: a crash after Slack shared the copy leaves
        # its id here, for the retry to find and the purge to delete.
        with job.sessions.begin() as session:
            stored = conversation_repo.evidence(session, evidence_id)
            if stored is not None:
                stored.copy_file_id, stored.copy_channel = upload_id, channel

    def run(client: WebClient) -> tuple[str, str]:
        details = dict(known)
        if not details["url"]:
            info = offered(client.files_info(file=file_id).get("file") or {})
            if info is None or info.is_stub or not info.url:
                result["refused"] = "unavailable"
                return "", ""
            details.update(name=info.name, mimetype=info.mimetype, size=info.size, url=info.url)
            reason = refusal(info.name, info.filetype, info.size or 0)
            if reason:
                result.update(refused=reason, details=details)
                return "", ""
        if not transfer.is_slack_file_url(str(details["url"]), job.api_url):
            # Never send the token to a host an event names: only Slack's own file host.
            result.update(refused="unavailable", details=details)
            return "", ""
        data = transfer.download(str(details["url"]), client.token or "", job.timeout)
        if not data:
            result.update(refused="empty", details=details)
            return "", ""
        try:
            prepared = transfer.prepare(data)
        except transfer.Unacceptable as exc:
            result.update(refused=exc.reason, details=details)
            return "", ""
        original = str(details["name"] or file_id)
        name = (
            neutral_name(ordinal, prepared.ext)
            if anonymous
            else with_extension(original, prepared.ext)
        )
        done = {"prepared": prepared, "size": len(data), "details": details}
        if started_id and transfer.shared_in(client, started_id, channel):
            result.update(copy_id=started_id, **done)
            return channel, ""
        if started_id:
            transfer.forget_upload(client, started_id)
        comment = msg.evidence_comment(
            name=name,
            size=len(data),
            sha256=prepared.sha256,
            stripped=prepared.stripped,
            locale=job.desk_locale,
        )
        copy_id = transfer.upload(
            client,
            channel=channel,
            thread_ts=thread_ts,
            name=name,
            data=prepared.data,
            comment=comment,
            started=record_started,
        )
        result.update(copy_id=copy_id, **done)
        return channel, ""

    def record(session: Session, _channel: str, _ts: str) -> None:
        stored = conversation_repo.evidence(session, evidence_id)
        if stored is None:
            return
        details = result.get("details") or {}
        if details:
            stored.name = str(details.get("name") or stored.name)[:255]
            stored.mimetype = str(details.get("mimetype") or stored.mimetype)[:128]
            stored.size = int(details.get("size") or stored.size)
        now = job.clock.now()
        if "refused" in result:
            stored.status, stored.refusal = "refused", str(result["refused"])
            shown = neutral_name(ordinal) if anonymous else stored.name or stored.source_file_id
            outbox_repo.enqueue(
                session,
                kind=ids.DESK_LINE,
                dedupe_key=f"evidence:{evidence_id}:refused:desk",
                case_id=stored.case_id,
                payload={"refused": [{"name": shown, "reason": stored.refusal}]},
                now=now,
            )
            lines = [{"name": stored.name or stored.source_file_id, "reason": stored.refusal}]
            _tell_reporter_refused(session, stored, lines, now)
            return
        prepared: transfer.PreparedCopy = result["prepared"]
        stored.status = "copied"
        stored.size = int(result["size"])
        stored.sha256, stored.copy_sha256 = prepared.sha256, prepared.copy_sha256
        stored.metadata_stripped = prepared.stripped
        stored.copy_file_id, stored.copy_channel = str(result["copy_id"]), channel
        stored.copied_at = now

    return Perform(run, on_delivered=record)


def _tell_reporter_refused(
    session: Session, evidence: EvidenceFile, lines: list[dict[str, str]], now: datetime
) -> None:
    case = cases_repo.get(session, evidence.case_id)
    if case is None:
        return
    # Under the receipt, as every refusal: the reporter's message may be a reply.
    outbox_repo.enqueue(
        session,
        kind=ids.DM_NOTICE,
        dedupe_key=f"evidence:{evidence.id}:refused:dm",
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


def unread_line(session: Session, case: Case, locale: str, audience: str) -> str | None:
    """The unread count under a case on the desk's App Home."""
    if audience != "desk":
        return None
    count = conversation_repo.unread_count(session, case.id)
    return t("conv.home.unread", locale, count=count) if count else None
