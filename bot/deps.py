"""What listeners and jobs need, built once at start and passed down (no module globals)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from slack_sdk import WebClient
from sqlalchemy import Engine

from bot.clock import Clock
from bot.config import Settings
from bot.metrics import Metrics
from bot.outbox import OutboxWorker, Renderer
from bot.scheduler import TickJob
from bot.slack.desk_channel import DeskChannel
from bot.slack.links import WorkspaceLinks
from bot.slack.staff import DeskStaff
from bot.slack.users import Profiles
from storage.db import SessionFactory

if TYPE_CHECKING:
    from bot.guidance.library import GuidanceLibrary
    from bot.report.renderers import CaseBlocks, CaseNotice
    from bot.report.service import EvidenceHook, ExclusionHook, ReportHook
    from bot.restriction import AccessGate

T = TypeVar("T")


@dataclass(frozen=True)
class Core:
    """Settings, storage, time and Slack: everything a feature needs to build its parts."""

    settings: Settings
    engine: Engine
    sessions: SessionFactory
    clock: Clock
    client: WebClient
    delivery_client: WebClient
    profiles: Profiles
    guidance: GuidanceLibrary
    staff: DeskStaff
    links: WorkspaceLinks
    desk_channel: DeskChannel
    access: AccessGate  # who may see which case (bot.restriction): ask it before showing one
    metrics: Metrics = field(default_factory=Metrics)


@dataclass(frozen=True)
class Feature:
    """What one feature adds to the running app besides its listeners.

    `outbox_kinds` are the kinds it declares (in its `ids.py`); the app refuses to start when a
    declared kind has no renderer. `services` are objects its listeners fetch with
    `deps.service(Type)` (built once here, not per click).
    """

    outbox_kinds: frozenset[str] = frozenset()
    renderers: Mapping[str, Renderer] = field(default_factory=dict)
    report_hooks: Sequence[ReportHook] = ()
    evidence_hooks: Sequence[EvidenceHook] = ()
    exclusion_hooks: Sequence[ExclusionHook] = ()  # the form's "must not see it" names
    case_blocks: Sequence[CaseBlocks] = ()
    receipt_blocks: Sequence[CaseBlocks] = ()  # appended to the reporter's receipt DM
    # What the desk channel shows instead of a case (a private case's notice), or None.
    case_notices: Sequence[CaseNotice] = ()
    tick_jobs: Sequence[TickJob] = ()
    services: Sequence[object] = ()


@dataclass(frozen=True)
class Deps:
    core: Core
    outbox: OutboxWorker
    report_hooks: tuple[ReportHook, ...]
    tick_jobs: tuple[TickJob, ...]
    services: Mapping[type, object] = field(default_factory=dict)
    evidence_hooks: tuple[EvidenceHook, ...] = ()
    exclusion_hooks: tuple[ExclusionHook, ...] = ()

    def service(self, kind: type[T]) -> T:
        """The one `kind` a feature built at start (e.g. `deps.service(DeskService)`)."""
        found = self.services[kind]
        assert isinstance(found, kind)
        return found

    @property
    def settings(self) -> Settings:
        return self.core.settings

    @property
    def sessions(self) -> SessionFactory:
        return self.core.sessions

    @property
    def clock(self) -> Clock:
        return self.core.clock

    @property
    def profiles(self) -> Profiles:
        return self.core.profiles

    @property
    def guidance(self) -> GuidanceLibrary:
        return self.core.guidance

    @property
    def staff(self) -> DeskStaff:
        return self.core.staff

    @property
    def access(self) -> AccessGate:
        return self.core.access


def deps_of(context: Mapping[str, Any]) -> Deps:
    """The `Deps` a middleware put into Bolt's listener context."""
    deps = context["deps"]
    assert isinstance(deps, Deps)
    return deps
