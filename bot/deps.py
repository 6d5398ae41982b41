"""What listeners and jobs need, built once at start and passed down (no module globals)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from slack_sdk import WebClient
from sqlalchemy import Engine

from bot.clock import Clock
from bot.config import Settings
from bot.guidance import GuidanceLibrary
from bot.metrics import Metrics
from bot.outbox import OutboxWorker, Renderer
from bot.report.deliveries import CaseBlocks
from bot.report.service import ReportHook, ReportPolicy
from bot.scheduler import TickJob
from bot.staff import DeskStaff
from bot.users import Profiles
from storage.db import SessionFactory


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
    metrics: Metrics = field(default_factory=Metrics)

    @property
    def report_policy(self) -> ReportPolicy:
        return ReportPolicy(
            desk_channel_id=self.settings.desk_channel_id,
            ack_sla=self.settings.ack_sla,
            urgent_sla_fraction=self.settings.urgent_sla_fraction,
        )


@dataclass(frozen=True)
class Feature:
    """What one feature adds to the running app besides its listeners."""

    renderers: Mapping[str, Renderer] = field(default_factory=dict)
    report_hooks: Sequence[ReportHook] = ()
    case_blocks: Sequence[CaseBlocks] = ()
    tick_jobs: Sequence[TickJob] = ()


@dataclass(frozen=True)
class Deps:
    core: Core
    outbox: OutboxWorker
    report_hooks: tuple[ReportHook, ...]
    tick_jobs: tuple[TickJob, ...]

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


def deps_of(context: Mapping[str, Any]) -> Deps:
    """The `Deps` a middleware put into Bolt's listener context."""
    deps = context["deps"]
    assert isinstance(deps, Deps)
    return deps
