"""Wiring: build the dependencies, the Bolt app and the background ticks from `Settings`."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from typing import Any

from slack_bolt import App, BoltResponse, Respond
from slack_sdk import WebClient
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from bot.access import access_home_line
from bot.access.feature import access_feature, with_open_case
from bot.awareness.feature import awareness_desk_section, awareness_feature
from bot.checkins import checkin_home_line
from bot.checkins import ids as checkin_ids
from bot.checkins.feature import checkins_feature
from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.conversation import unread_line
from bot.conversation.feature import conversation_feature
from bot.conversation.ids import EVIDENCE_COPY
from bot.customers.feature import customers_feature
from bot.deps import Core, Deps, Feature
from bot.desk import DeskLeads
from bot.desk.feature import desk_feature, home_case_actions
from bot.desk.ids import LEAD_DM, SLA_POST
from bot.export.feature import export_feature
from bot.guidance import GuidanceLibrary, load_guidance
from bot.guidance.feature import guidance_feature
from bot.handling.feature import handling_desk_section, handling_feature
from bot.health import Health
from bot.home.feature import home_feature
from bot.keys import keyring_for
from bot.metrics import Metrics
from bot.outbox import OutboxWorker, Renderer
from bot.privacy import mentions_desk
from bot.privacy.feature import privacy_feature
from bot.report.feature import report_feature
from bot.restriction import AccessGate, guard_thread, lead_ids_of
from bot.restriction.feature import restriction_feature
from bot.retention.feature import retention_feature
from bot.scheduler import Ticker, TickJob
from bot.slack.client import close_client, delivery_client, interactive_client, probe_client
from bot.slack.desk_channel import DeskChannel
from bot.slack.errors import handle_error
from bot.slack.links import WorkspaceLinks
from bot.slack.staff import DeskStaff
from bot.slack.users import Profiles
from bot.sos.feature import sos_feature
from bot.startup import StartupError
from bot.stats.feature import stats_feature
from storage.db import is_sqlite, make_engine, make_session_factory
from storage.encryption import KeyRing
from storage.repositories import events as events_repo
from storage.wakeups import Notifier

log = logging.getLogger(__name__)

FeatureFactory = Callable[[Core], Feature]


class FeaturesDoNotFit(StartupError):
    """The features do not fit together (e.g. an outbox kind nobody renders): a `StartupError`,
    so `harassment-desk` says it in one line instead of a traceback."""


def feature_factories() -> list[FeatureFactory]:
    """Every feature of the app; each adds renderers, report hooks, case blocks or ticks.

    The report feature is wired last, in `build_deps`: its case message shows every other
    feature's `case_blocks`.
    """
    return [
        retention_feature,
        desk_feature,
        partial(
            home_feature,
            case_lines=(checkin_home_line, unread_line, access_home_line),
            desk_sections=(awareness_desk_section, handling_desk_section),
            case_actions=with_open_case(home_case_actions),
        ),
        guidance_feature,
        checkins_feature,
        conversation_feature,
        awareness_feature,
        sos_feature,
        customers_feature,
        handling_feature,
        export_feature,
        stats_feature,
        privacy_feature,
        access_feature,
        restriction_feature,
    ]


def build_core(
    settings: Settings,
    *,
    clock: Clock | None = None,
    engine: Engine | None = None,
    guidance: GuidanceLibrary | None = None,
    keyring: KeyRing | None = None,
) -> Core:
    engine = engine or make_engine(settings.database_url)
    sessions = make_session_factory(engine, keyring or keyring_for(settings, engine))
    clock = clock or SystemClock()
    client = interactive_client(settings)
    staff = DeskStaff(
        client=client,
        desk_channel_id=settings.desk_channel_id,
        sessions=sessions,
        engine=engine,
        ttl_seconds=settings.staff_cache_ttl.total_seconds(),
    )
    leads = DeskLeads(client=client, leads=settings.desk_leads)
    metrics = Metrics(
        checkin_sent_kinds=[checkin_ids.SEND],
        checkin_answered_kinds=[checkin_ids.ANSWERED],
        sla_breach_kinds=[SLA_POST, LEAD_DM],
    )
    return Core(
        settings=settings,
        engine=engine,
        sessions=sessions,
        clock=clock,
        client=client,
        delivery_client=delivery_client(settings),
        profiles=Profiles(
            sessions=sessions,
            client=client,
            clock=clock,
            default_locale=settings.default_locale,
        ),
        guidance=guidance or load_guidance(settings.guidance_dir),
        staff=staff,
        links=WorkspaceLinks(client),
        desk_channel=DeskChannel(probe_client(settings), settings.desk_channel_id),
        access=AccessGate(is_staff=staff.is_staff, lead_ids=lead_ids_of(leads)),
        metrics=metrics,
    )


def build_deps(core: Core, factories: Sequence[FeatureFactory] | None = None) -> Deps:
    features = [factory(core) for factory in (factories or feature_factories())]
    case_blocks = tuple(block for feature in features for block in feature.case_blocks)
    receipt_blocks = tuple(block for feature in features for block in feature.receipt_blocks)
    features.append(
        report_feature(
            core,
            case_blocks=case_blocks,
            receipt_blocks=receipt_blocks,
            mention_allowed=mentions_desk,
            case_notices=tuple(n for feature in features for n in feature.case_notices),
        )
    )
    settings = core.settings
    # A private case's thread carries notices only, whichever feature posts there.
    renderers = guard_thread(
        check_renderers(features),
        desk_channel=settings.desk_channel_id,
        locale=settings.default_locale,
        withheld_kinds=(EVIDENCE_COPY,),
    )
    outbox = OutboxWorker(
        sessions=core.sessions,
        client=core.delivery_client,
        clock=core.clock,
        renderers=renderers,
        lease=settings.outbox_lease,
        metrics=core.metrics,
        give_up=settings.delivery_give_up,
        channel_watch=core.desk_channel,
    )
    jobs = [
        TickJob("outbox", outbox.deliver_due, settings.scheduler_tick),
        TickJob(
            "forget-old-event-ids",
            lambda: _forget_old_event_ids(core),
            timedelta(hours=1),
        ),
    ]
    jobs += [job for feature in features for job in feature.tick_jobs]
    return Deps(
        core=core,
        outbox=outbox,
        report_hooks=tuple(hook for feature in features for hook in feature.report_hooks),
        evidence_hooks=tuple(hook for feature in features for hook in feature.evidence_hooks),
        exclusion_hooks=tuple(hook for feature in features for hook in feature.exclusion_hooks),
        tick_jobs=tuple(jobs),
        services={type(service): service for feature in features for service in feature.services},
    )


def check_renderers(features: Sequence[Feature]) -> dict[str, Renderer]:
    """Every feature's renderers in one table; refuses a declared kind without a renderer, a
    renderer for an undeclared kind, and a kind two features both render."""
    renderers: dict[str, Renderer] = {}
    declared: set[str] = set()
    problems: list[str] = []
    for feature in features:
        declared |= feature.outbox_kinds
        for kind, renderer in feature.renderers.items():
            if kind in renderers:
                problems.append(f"outbox kind {kind!r} has two renderers")
            renderers[kind] = renderer
    problems += [
        f"outbox kind {kind!r} has no renderer" for kind in sorted(declared - set(renderers))
    ]
    problems += [
        f"outbox kind {kind!r} is not declared" for kind in sorted(set(renderers) - declared)
    ]
    if problems:
        raise FeaturesDoNotFit("; ".join(problems))
    return renderers


def _forget_old_event_ids(core: Core) -> None:
    with core.sessions.begin() as session:
        events_repo.forget_before(session, core.clock.now() - timedelta(days=1))


def _event_id(body: dict[str, Any]) -> str | None:
    event_id = body.get("event_id") if body.get("type") == "event_callback" else None
    return event_id if isinstance(event_id, str) else None


def _release_failed_event(deps: Deps, body: dict[str, Any]) -> None:
    """A listener that failed stored nothing (its transaction rolled back), so its event id
    must not stay claimed: Slack's retry of it is then handled instead of dropped as a repeat."""
    event_id = _event_id(body)
    if event_id is None:
        return
    try:
        with deps.sessions.begin() as session:
            events_repo.forget(session, event_id)
    except SQLAlchemyError as exc:  # the database that failed the listener may still be down
        log.warning("event %s stays claimed: %s", event_id, type(exc).__name__)


def create_bolt_app(deps: Deps, *, socket_mode: bool = False) -> App:
    """The Bolt app with our middleware, error handler and every listener registered."""
    settings = deps.settings
    app = App(
        client=deps.core.client,
        signing_secret=settings.slack_signing_secret or "",
        request_verification_enabled=not socket_mode,
        token_verification_enabled=False,
        process_before_response=False,
        logger=logging.getLogger("slack_bolt.App"),
        # Listeners keep running after ack() (views.open, error replies). With Bolt's default
        # of 10 threads, a burst of such work made new requests wait for a free thread before
        # they could even ack; acks must never queue behind finished requests' follow-up work.
        listener_executor=ThreadPoolExecutor(max_workers=32, thread_name_prefix="listener"),
    )

    @app.middleware
    def inject_deps(context: dict[str, Any], next: Callable[[], Any]) -> Any:
        context["deps"] = deps
        return next()

    @app.middleware
    def drop_repeated_events(body: dict[str, Any], next: Callable[[], Any]) -> Any:
        # Slack retries events and Bolt does not de-duplicate; after a restart the retry may be
        # the only delivery, so de-duplicate by event id instead of dropping all retries.
        event_id = _event_id(body)
        if event_id is not None:
            try:
                with deps.sessions.begin() as session:
                    events_repo.remember(session, event_id, deps.clock.now())
            except IntegrityError:
                return BoltResponse(status=200, body="")
        return next()

    @app.error
    def on_error(
        error: Exception, body: dict[str, Any], client: WebClient, respond: Respond
    ) -> None:
        _release_failed_event(deps, body)
        handle_error(error, body, client, respond)

    from handlers import register

    register(app)
    return app


@dataclass
class Runtime:
    """A running bot: the Bolt app plus the background ticks."""

    deps: Deps
    app: App
    ticker: Ticker
    health: Health
    background: bool = True
    notifier: Notifier | None = None

    def serve_only(self) -> None:
        """Answer Slack only: a worker process (`harassment-desk worker`) ticks and delivers.
        On PostgreSQL each commit wakes the workers (LISTEN/NOTIFY); on SQLite they poll."""
        self.background = False
        if not is_sqlite(self.deps.core.engine):
            self.notifier = Notifier(self.deps.core.engine)
        self.deps.outbox.deliver_elsewhere(self.notifier.notify if self.notifier else None)

    def start_background(self) -> None:
        if self.background:
            self.ticker.start()

    def stop(self) -> None:
        self.ticker.shutdown()
        self.deps.outbox.shutdown()
        if self.notifier is not None:
            self.notifier.close()
        close_client(self.deps.core.delivery_client)


def build_runtime(
    settings: Settings,
    *,
    clock: Clock | None = None,
    socket_mode: bool = False,
    factories: Sequence[FeatureFactory] | None = None,
    engine: Engine | None = None,
) -> Runtime:
    core = build_core(settings, clock=clock, engine=engine)
    deps = build_deps(core, factories)
    app = create_bolt_app(deps, socket_mode=socket_mode)
    health = Health(
        engine=core.engine,
        sessions=core.sessions,
        clock=core.clock,
        max_backlog=settings.ready_max_backlog,
        desk_channel=core.desk_channel,
    )
    core.metrics.watch_backlog(lambda: _backlog_figures(health))
    return Runtime(deps=deps, app=app, ticker=Ticker(list(deps.tick_jobs)), health=health)


def _backlog_figures(health: Health) -> tuple[int, float]:
    backlog = health.backlog()
    return backlog.waiting, backlog.oldest_age_s
