"""APScheduler only ticks; the truth about what is due lives in the database."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger

from storage.db import background_work

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TickJob:
    name: str
    run: Callable[[], object]
    every: timedelta


def _in_background(run: Callable[[], object]) -> Callable[[], object]:
    def tick() -> object:
        with background_work():
            return run()

    return tick


class Ticker:
    """Runs each job every `every`; a job still running when its next tick comes is not doubled."""

    def __init__(self, jobs: list[TickJob]) -> None:
        self._jobs = jobs
        self._scheduler = BackgroundScheduler(timezone="UTC")

    @property
    def job_names(self) -> list[str]:
        return [job.name for job in self._jobs]

    def start(self) -> None:
        for job in self._jobs:
            self._scheduler.add_job(
                _in_background(job.run),
                IntervalTrigger(seconds=job.every.total_seconds()),
                id=job.name,
                name=job.name,
                max_instances=1,
                coalesce=True,
                misfire_grace_time=None,
                # Work that came due while the app was down should not wait for a whole tick.
                next_run_time=datetime.now(UTC),
            )
        self._scheduler.start()
        log.info("scheduler started: %s", ", ".join(self.job_names))

    def shutdown(self) -> None:
        if self._scheduler.running:
            self._scheduler.shutdown(wait=True)
