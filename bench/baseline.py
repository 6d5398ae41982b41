"""The baseline: the smallest Bolt app that makes the same Slack calls as ours.

`/harassment` acks and opens a modal with `views.open`; a `view_submission` and a button only ack.
With `BASELINE_DELIVERS=1` a submission acks and then, in the listener as a bare Bolt app would,
makes the Slack calls a report costs ours: the desk post, the reporter's DM (conversations.open
once per person, as ours caches it) and the post in the case's thread. That variant is the
baseline for CPU time per report. It is served exactly like ours (waitress, same thread count,
`POST /slack/events`, `GET /healthz`), in its own process, so the difference between the two is
our own work.

With `BASELINE_STORES=1` it is the durable floor: before the ack, a submission is stored with
one INSERT (the raw view state under Slack's view id, the idempotency key) in DATABASE_URL,
through `storage.db.make_engine`, so with the same durability settings as ours (SQLite in WAL
mode, PostgreSQL's defaults). Storing the report before the ack is a promise we keep; the floor
is what that promise costs a bare Bolt app, so the gap above it is everything else we do first.

    SLACK_BOT_TOKEN=… SLACK_SIGNING_SECRET=… SLACK_API_URL=… PORT=… python -m bench.baseline
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import threading
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from slack_bolt import Ack, App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient
from sqlalchemy import Column, Engine, MetaData, String, Table, Text

from storage.db import is_sqlite, make_engine

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIEnvironment

MODAL = {
    "type": "modal",
    "callback_id": "report_submit",
    "title": {"type": "plain_text", "text": "Report"},
    "submit": {"type": "plain_text", "text": "Send"},
    "blocks": [
        {
            "type": "input",
            "block_id": "narrative",
            "label": {"type": "plain_text", "text": "What happened?"},
            "element": {"type": "plain_text_input", "action_id": "narrative", "multiline": True},
        }
    ],
}


def section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def deliver(client: WebClient, desk_channel: str, user: str, dms: dict[str, str]) -> None:
    """What a report costs in Slack calls: desk post, DM, thread post."""
    desk = client.chat_postMessage(
        channel=desk_channel, text="New report", blocks=[section("*New report*"), section("…")]
    )
    if user not in dms:
        dms[user] = str(client.conversations_open(users=user)["channel"]["id"])
    client.chat_postMessage(
        channel=dms[user], text="Received", blocks=[section("*Received*"), section("…")]
    )
    client.chat_postMessage(
        channel=desk_channel, thread_ts=str(desk["ts"]), text="Guidance", blocks=[section("…")]
    )


FLOOR_TABLE = Table(
    "bench_floor_submissions",
    MetaData(),
    Column("view_id", String(32), primary_key=True),
    Column("user_id", String(32), nullable=False),
    Column("state", Text, nullable=False),
)


def floor_store(engine: Engine) -> Callable[[dict[str, Any]], None]:
    """One durable INSERT per submission; Slack's resend of the same view is stored once."""
    FLOOR_TABLE.create(engine, checkfirst=True)
    insert = FLOOR_TABLE.insert()
    # SQLite has one writer: threads queue here, as ours do in storage.db.WriterGate, rather
    # than in SQLite's busy handler, which polls with sleeps and would make the floor slower
    # than it needs to be. PostgreSQL takes concurrent inserts itself.
    writer = threading.Lock() if is_sqlite(engine) else contextlib.nullcontext()

    def store(body: dict[str, Any]) -> None:
        view = body["view"]
        row = {
            "view_id": view["id"],
            "user_id": body["user"]["id"],
            "state": json.dumps(view["state"], ensure_ascii=False),
        }
        with writer, engine.begin() as connection:
            connection.execute(insert, row)

    return store


def build_app(env: dict[str, str]) -> App:
    client = WebClient(token=env["SLACK_BOT_TOKEN"], base_url=env["SLACK_API_URL"])
    delivers = env.get("BASELINE_DELIVERS") == "1"
    desk_channel = env.get("DESK_CHANNEL_ID", "")
    dms: dict[str, str] = {}
    store = (
        floor_store(make_engine(env["DATABASE_URL"])) if env.get("BASELINE_STORES") == "1" else None
    )
    app = App(
        client=client,
        signing_secret=env["SLACK_SIGNING_SECRET"],
        token_verification_enabled=False,
    )

    @app.command("/harassment")
    def command(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        client.views_open(trigger_id=body["trigger_id"], view=MODAL)

    @app.view("report_submit")
    def submission(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        if store is not None:
            store(body)
        ack()
        if delivers:
            deliver(client, desk_channel, body["user"]["id"], dms)

    @app.action(re.compile(".*"))
    def button(ack: Ack) -> None:
        ack()

    return app


def wsgi_app(app: App) -> Any:
    slack = SlackRequestHandler(app, path="/slack/events")

    def application(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == "/healthz":
            start_response("200 OK", [("Content-Type", "application/json")])
            return [b'{"ok": true}']
        return slack(environ, start_response)

    return application


def main() -> None:
    from waitress import serve

    env = dict(os.environ)
    serve(
        wsgi_app(build_app(env)),
        host="127.0.0.1",
        port=int(env["PORT"]),
        threads=int(env.get("HTTP_THREADS", "8")),
        ident="bolt-baseline",
    )


if __name__ == "__main__":
    main()
