"""Files for the stand-in: the three-step external upload, files.info/delete, authenticated
downloads of ``url_private``/``url_private_download``, and the user side (files people attach).

Mixed into :class:`~bot.standin.server.SlackStandIn`. What Slack does and this keeps
(``/work/shared/slack/blockkit_limits.json`` ``methods``, ``methods/files.*.json``):

- ``files.getUploadURLExternal`` (``filename``, ``length`` >= 1 else ``missing_argument``,
  ``alt_txt`` <= 1000 else ``alt_txt_too_large``) answers ``upload_url`` + ``file_id``;
- the bytes are POSTed to ``upload_url`` raw (slack_sdk sends no Authorization header and
  urllib's default form content type) or as multipart; HTTP 200 means accepted;
- ``files.completeUploadExternal`` (``files=[{id, title?, highlight_type?}]``, ``channel_id``/
  ``channels``, ``thread_ts`` with one channel only) shares the file: a message from the bot
  carrying ``files`` appears in the channel or thread; without a channel the file stays
  private. Refused as Slack would: an entry with a key the spec does not list (or a title that
  is not a string) is ``invalid_arguments``; an id ``files.getUploadURLExternal`` did not issue
  (or issued and already completed, or whose bytes were never POSTed) is ``file_not_found``,
  and so is one whose POSTed bytes differ from the ``length`` announced (no documented code:
  the ticket's file was never received whole; ``response_metadata`` says which). A
  ``thread_ts`` naming a reply is accepted and recorded as a violation (see ``server.py``);
- ``files.delete`` with the bot token deletes only the bot's own files (``cant_delete_file``);
  shares turn into ``{"id", "mode": "tombstone"}``; a second delete is ``file_deleted``;
- downloads need ``Authorization: Bearer <bot token>`` and ``files:read``: without them Slack
  answers a redirect to its sign-in page (HTML, not the file).

The uploaded bytes are kept: tests read them with :meth:`FilesMixin.file_bytes`.
Downloads and uploads are recorded as calls ``"files.download"`` and ``"files.upload"`` and take
faults and latency like Web API methods (``slack.fail("files.download", status=500)``).
"""

from __future__ import annotations

import email
import json
import mimetypes
import secrets
import time
import uuid
from email.message import Message
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from .blockkit import limit

_FILETYPES = {"jpeg": "jpg", "txt": "text", "htm": "html", "md": "markdown"}
_PRETTY = {"png": "PNG", "jpg": "JPEG", "pdf": "PDF", "text": "Plain Text", "gif": "GIF"}
# What a files.completeUploadExternal `files` entry may hold (methods/files.completeUploadExternal
# .json: items' properties).
_FILE_ENTRY_KEYS = frozenset({"id", "title", "highlight_type"})


def _filetype(name: str) -> str:
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else "binary"
    return _FILETYPES.get(ext, ext)


def _rich_text(text: str) -> list[dict[str, Any]]:
    section = {"type": "rich_text_section", "elements": [{"type": "text", "text": text}]}
    return [{"type": "rich_text", "block_id": secrets.token_urlsafe(3), "elements": [section]}]


class FilesMixin:
    """File state and methods; expects the SlackStandIn attributes it uses."""

    # Provided by SlackStandIn.
    TEAM_ID: str
    TEAM_URL: str
    BOT_USER_ID: str
    BOT_ID: str
    APP_ID: str
    bot_token: str
    _lock: Any
    channels: dict[str, Any]
    scopes: frozenset[str] | None

    def _reset_files(self) -> None:
        self.files: dict[str, dict[str, Any]] = {}
        self._file_bytes: dict[str, bytes] = {}
        self._uploads: dict[str, dict[str, Any]] = {}  # upload key -> pending upload

    # ----------------------------------------------------------------- public helpers
    @property
    def url(self) -> str:  # pragma: no cover - defined by SlackStandIn
        raise NotImplementedError

    def add_file(
        self,
        user_id: str,
        name: str,
        content: bytes,
        *,
        mimetype: str | None = None,
        title: str | None = None,
    ) -> dict[str, Any]:
        """A file ``user_id`` uploaded in Slack (a DM attachment, a file_input): returns the file
        object as Slack puts it in events and view submissions (a copy)."""
        with self._lock:
            file_id = self._new_file_id()
            obj = self._file_object(file_id, name, user_id, len(content), mimetype, title)
            self.files[file_id] = obj
            self._file_bytes[file_id] = bytes(content)
            return json.loads(json.dumps(obj))

    def file_stub(self, file_id: str) -> dict[str, Any]:
        """The stub Slack sends instead of a file object in some events (Slack Connect):
        no name, size or URLs; the app must call files.info."""
        return {
            "id": file_id,
            "mode": "file_access",
            "file_access": "check_file_info",
            "created": 0,
            "timestamp": 0,
            "user": "",
        }

    def file_bytes(self, file_id: str) -> bytes | None:
        """The bytes stored for a file (uploaded by the app or added with add_file)."""
        with self._lock:
            return self._file_bytes.get(file_id)

    def bot_files(self) -> list[dict[str, Any]]:
        """Files the bot uploaded (completed uploads), oldest first, deleted ones included."""
        with self._lock:
            return [f for f in self.files.values() if f["user"] == self.BOT_USER_ID]

    # ----------------------------------------------------------------- internals
    def _new_file_id(self) -> str:
        return "F" + secrets.token_hex(5).upper()

    def _file_object(
        self,
        file_id: str,
        name: str,
        user_id: str,
        size: int,
        mimetype: str | None,
        title: str | None,
    ) -> dict[str, Any]:
        now = int(time.time())
        kind = _filetype(name)
        base = f"{self.url}files-pri/{self.TEAM_ID}-{file_id}/"
        return {
            "id": file_id,
            "created": now,
            "timestamp": now,
            "name": name,
            "title": title or name,
            "mimetype": mimetype or mimetypes.guess_type(name)[0] or "application/octet-stream",
            "filetype": kind,
            "pretty_type": _PRETTY.get(kind, kind.upper()),
            "user": user_id,
            "user_team": self.TEAM_ID,
            "editable": False,
            "size": size,
            "mode": "hosted",
            "is_external": False,
            "external_type": "",
            "is_public": False,
            "public_url_shared": False,
            "display_as_bot": False,
            "username": "",
            "url_private": base + quote(name),
            "url_private_download": base + "download/" + quote(name),
            "permalink": f"{self.TEAM_URL}files/{user_id}/{file_id}/{quote(name)}",
            "file_access": "visible",
            "channels": [],
            "groups": [],
            "ims": [],
            "shares": {},
        }

    def _file(self, file_id: Any) -> dict[str, Any]:
        from .server import SlackError

        obj = self.files.get(str(file_id))
        if obj is None:
            raise SlackError("file_not_found")
        if obj.get("_deleted"):
            raise SlackError("file_deleted")
        return obj

    @staticmethod
    def _public(obj: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in obj.items() if not k.startswith("_")}

    # ----------------------------------------------------------------- Web API methods
    def _m_files_getUploadURLExternal(self, args: dict[str, Any]) -> dict[str, Any]:
        from .server import SlackError

        try:
            length = int(args["length"])
        except (TypeError, ValueError) as exc:
            raise SlackError("invalid_arguments") from exc
        if length < 1:  # "Typically only occurs when the `length` provided is 0"
            raise SlackError("missing_argument")
        alt = args.get("alt_txt")
        if isinstance(alt, str) and len(alt) > limit("files.getUploadURLExternal alt_txt"):
            raise SlackError("alt_txt_too_large")
        file_id = self._new_file_id()
        key = uuid.uuid4().hex
        self._uploads[key] = {
            "file_id": file_id,
            "filename": str(args["filename"]),
            "length": length,
            "alt_txt": alt,
            "bytes": None,
        }
        return {"ok": True, "upload_url": f"{self.url}upload/v1/{key}", "file_id": file_id}

    def _m_files_completeUploadExternal(self, args: dict[str, Any]) -> dict[str, Any]:
        from .server import SlackError

        files = args["files"]
        if isinstance(files, str):
            try:
                files = json.loads(files)
            except ValueError as exc:
                raise SlackError("invalid_arguments") from exc
        if not isinstance(files, list) or not files:
            raise SlackError("invalid_arguments")
        pending = {u["file_id"]: (k, u) for k, u in self._uploads.items()}
        chosen = []
        for index, item in enumerate(files):
            if not isinstance(item, dict):
                raise SlackError("invalid_arguments")
            extra = sorted(set(item) - _FILE_ENTRY_KEYS)
            if extra or not isinstance(item.get("title", ""), str):
                wrong = extra[0] if extra else "title"
                detail = f"[ERROR] unsupported field: {wrong} [json-pointer:/files/{index}]"
                raise SlackError("invalid_arguments", response_metadata={"messages": [detail]})
            file_id = item.get("id")
            hi = limit("files.completeUploadExternal files[].highlight_type")
            if len(str(item.get("highlight_type") or "")) > hi:
                raise SlackError("invalid_arguments")
            if file_id not in pending or pending[file_id][1]["bytes"] is None:
                raise SlackError("file_not_found")
            upload = pending[file_id][1]
            if len(upload["bytes"]) != upload["length"]:
                got, said = len(upload["bytes"]), upload["length"]
                detail = f"[ERROR] {got} bytes were uploaded for a length of {said}"
                raise SlackError("file_not_found", response_metadata={"messages": [detail]})
            chosen.append((item, *pending[file_id]))
        targets = [str(args["channel_id"])] if args.get("channel_id") else []
        targets += [c for c in str(args.get("channels") or "").split(",") if c]
        if len(targets) > limit("files.completeUploadExternal channels per request"):
            raise SlackError("channels_limit_exceeded")
        thread_ts = str(args.get("thread_ts") or "") or None
        if thread_ts and len(targets) != 1:
            raise SlackError("invalid_arguments")
        conversations = [self._channel(c, member=True, dm_users=True) for c in targets]  # type: ignore[attr-defined]
        parent = None
        if thread_ts:
            # thread_not_found for a ts naming nothing: stricter than Slack (no documented code)
            parent = self._thread_parent(  # type: ignore[attr-defined]
                conversations[0], thread_ts, "files.completeUploadExternal"
            )
        made = []
        for item, key, upload in chosen:
            data: bytes = upload["bytes"]
            obj = self._file_object(
                upload["file_id"],
                upload["filename"],
                self.BOT_USER_ID,
                len(data),
                None,
                item.get("title") or upload["filename"],
            )
            obj["alt_txt"] = upload["alt_txt"] or ""
            self.files[obj["id"]] = obj
            self._file_bytes[obj["id"]] = data
            del self._uploads[key]
            made.append(obj)
        for ch in conversations:
            message: dict[str, Any] = {
                "type": "message",
                "text": str(args.get("initial_comment") or ""),
                "files": [self._public(f) for f in made],
                "upload": True,
                "user": self.BOT_USER_ID,
                "bot_id": self.BOT_ID,
                "app_id": self.APP_ID,
                "display_as_bot": False,
                "team": self.TEAM_ID,
            }
            stored = self._append_message(ch, message, parent)  # type: ignore[attr-defined]
            for obj in made:
                kind = "ims" if ch.is_im else ("groups" if ch.is_private else "channels")
                obj[kind].append(ch.id)
                share = {"ts": stored["ts"], **({"thread_ts": parent["ts"]} if parent else {})}
                scope = "private" if ch.is_private or ch.is_im else "public"
                obj["shares"].setdefault(scope, {}).setdefault(ch.id, []).append(share)
            stored["files"] = [self._public(f) for f in made]
        return {"ok": True, "files": [{"id": f["id"], "title": f["title"]} for f in made]}

    def _m_files_info(self, args: dict[str, Any]) -> dict[str, Any]:
        obj = self._file(args["file"])
        return {
            "ok": True,
            "file": self._public(obj),
            "comments": [],
            "response_metadata": {"next_cursor": ""},
        }

    def _m_files_delete(self, args: dict[str, Any]) -> dict[str, Any]:
        from .server import SlackError

        obj = self._file(args["file"])
        if obj["user"] != self.BOT_USER_ID:
            raise SlackError("cant_delete_file")
        obj["_deleted"] = True
        self._file_bytes.pop(obj["id"], None)
        tombstone = {"id": obj["id"], "mode": "tombstone"}
        for ch in self.channels.values():
            for message in ch.by_ts.values():
                files = message.get("files")
                if files and any(f.get("id") == obj["id"] for f in files):
                    message["files"] = [tombstone if f.get("id") == obj["id"] else f for f in files]
        return {"ok": True}

    # ----------------------------------------------------------------- upload / download
    def _needs_file_scope(self, scope: str) -> bool:
        return self.scopes is not None and scope not in self.scopes

    def _handle_upload(
        self, path: str, headers: Message, body: bytes
    ) -> tuple[int, dict[str, str], bytes, dict[str, Any]]:
        key = urlsplit(path).path.rsplit("/", 1)[-1]
        with self._lock:
            upload = self._uploads.get(key)
        record: dict[str, Any] = {"url": path, "length": len(body)}
        if upload is None:
            return 404, {"Content-Type": "text/plain"}, b"not found", record
        data = body
        ctype = headers.get("Content-Type", "")
        if ctype.startswith("multipart/form-data"):
            parsed = email.message_from_bytes(
                f"Content-Type: {ctype}\r\n\r\n".encode("latin-1") + body
            )
            parts = [p for p in parsed.walk() if not p.is_multipart()]
            if parts:
                payload = parts[0].get_payload(decode=True)
                data = payload if isinstance(payload, bytes) else b""
        with self._lock:
            upload["bytes"] = data
        record.update(file_id=upload["file_id"], length=len(data))
        return 200, {"Content-Type": "text/plain"}, f"OK - {len(data)}".encode(), record

    def _handle_download(
        self, path: str, headers: Message
    ) -> tuple[int, dict[str, str], bytes, dict[str, Any], str | None]:
        parts = urlsplit(path).path.split("/")
        # /files-pri/T0001-F123/[download/]name
        file_id = parts[2].split("-", 1)[-1] if len(parts) > 2 else ""
        auth = headers.get("Authorization", "")
        token = auth[7:].strip() if auth.startswith("Bearer ") else None
        record = {"url": path, "file": file_id, "name": unquote(parts[-1])}
        if token != self.bot_token or self._needs_file_scope("files:read"):
            # Slack does not say 401: it sends the browser to its sign-in page.
            login = f"{self.url}signin?redir={quote(path)}"
            return 302, {"Location": login, "Content-Type": "text/html"}, b"", record, token
        with self._lock:
            obj = self.files.get(file_id)
            data = self._file_bytes.get(file_id)
        if obj is None or obj.get("_deleted") or data is None:
            return 404, {"Content-Type": "text/html"}, b"<html>File not found</html>", record, token
        ctype = str(obj.get("mimetype") or "application/octet-stream")
        return 200, {"Content-Type": ctype}, data, record, token

    # ----------------------------------------------------------------- user messages in DMs
    def post_user_message(
        self,
        user_id: str,
        text: str,
        *,
        channel: str | None = None,
        thread_ts: str | None = None,
        files: list[dict[str, Any]] | None = None,
    ) -> dict[str, Any]:
        """Store a message ``user_id`` wrote (in the bot's DM unless ``channel`` is given), as
        Slack keeps it: ``text`` is wire-encoded (``&amp;``, ``<!channel>``...), ``files`` are
        file objects (or stubs). Returns the stored message (with ``channel``)."""
        with self._lock:
            ch = self.channels.get(channel) if channel else self.dm_channel(user_id)  # type: ignore[attr-defined]
            if ch is None:
                raise KeyError(channel)
            message: dict[str, Any] = {
                "client_msg_id": str(uuid.uuid4()),
                "type": "message",
                "text": text,
                "user": user_id,
                "team": self.TEAM_ID,
                "blocks": _rich_text(text) if text else [],
            }
            if files:
                message.update(
                    subtype="file_share", files=list(files), upload=True, display_as_bot=False
                )
            parent = None
            if thread_ts:
                parent = ch.by_ts[thread_ts]
                parent = ch.by_ts[parent.get("thread_ts", parent["ts"])]
            stored = self._append_message(ch, message, parent, author=user_id)  # type: ignore[attr-defined]
            if parent is not None:
                stored["parent_user_id"] = parent.get("user")
            return {**stored, "channel": ch.id}

    def edit_user_message(self, channel: str, ts: str, text: str) -> dict[str, Any]:
        """The user edits their message: returns ``{"message", "previous_message"}`` copies."""
        with self._lock:
            ch = self.channels[channel]
            msg = ch.by_ts[ts]
            previous = json.loads(json.dumps(msg))
            msg["text"] = text
            msg["blocks"] = _rich_text(text)
            msg["edited"] = {"user": msg["user"], "ts": self._next_ts()}  # type: ignore[attr-defined]
            return {"message": json.loads(json.dumps(msg)), "previous_message": previous}

    def delete_user_message(self, channel: str, ts: str) -> dict[str, Any]:
        """The user deletes their message: returns its last version."""
        with self._lock:
            ch = self.channels[channel]
            previous = json.loads(json.dumps(ch.by_ts[ts]))
            self._remove_message(ch, ts)  # type: ignore[attr-defined]
            return previous
