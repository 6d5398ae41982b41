"""Prometheus metrics (`GET /metrics`), built once at start and passed down (no module globals).

Labels carry kinds, outcomes and Slack error codes only: never a user, channel, case or text.
Counters count what this process did (sum them over replicas); the outbox gauges are read from
the database at scrape time, so every replica shows the same backlog.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Histogram,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
# Slack's limit for an ack is 3 s; the buckets resolve the range that matters below it.
ACK_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0)
LISTENER_KINDS = frozenset(
    {
        "command",
        "view_submission",
        "view_closed",
        "block_actions",
        "shortcut",
        "message_action",
        "event",
        "url_verification",
        "other",
    }
)


class _Backlog(Collector):
    def __init__(self, read: Callable[[], tuple[int, float]]) -> None:
        self._read = read

    def collect(self) -> Iterable[GaugeMetricFamily]:
        waiting, oldest = self._read()
        yield GaugeMetricFamily(
            "harassment_desk_outbox_backlog", "Deliveries waiting to be sent to Slack", waiting
        )
        yield GaugeMetricFamily(
            "harassment_desk_outbox_oldest_age_seconds",
            "Age of the oldest delivery waiting to be sent",
            oldest,
        )


class Metrics:
    """`checkin_sent_kinds` etc. name the outbox kinds whose delivery means that thing happened:
    the services need no metrics calls of their own, and a replay never double counts."""

    def __init__(
        self,
        *,
        checkin_sent_kinds: Iterable[str] = (),
        checkin_answered_kinds: Iterable[str] = (),
        sla_breach_kinds: Iterable[str] = (),
    ) -> None:
        self._derived = {
            **{kind: "checkin_sent" for kind in checkin_sent_kinds},
            **{kind: "checkin_answered" for kind in checkin_answered_kinds},
            **{kind: "sla_breach" for kind in sla_breach_kinds},
        }
        # The `*_created` series (one timestamp per counter) only double the scrape; the
        # switch is prometheus_client's own, process-wide.
        disable_created_metrics()
        self.registry = CollectorRegistry(auto_describe=True)
        self._reports = Counter(
            "harassment_desk_reports_stored",
            "Reports stored (repeats of a submission not counted)",
            registry=self.registry,
        )
        self._deliveries = Counter(
            "harassment_desk_deliveries",
            "Outbox deliveries by kind and outcome",
            ["kind", "outcome"],
            registry=self.registry,
        )
        self._checkins_sent = Counter(
            "harassment_desk_checkins_sent", "Check-in DMs delivered", registry=self.registry
        )
        self._checkins_answered = Counter(
            "harassment_desk_checkins_answered",
            "Check-ins answered by the reporter",
            registry=self.registry,
        )
        self._sla_breaches = Counter(
            "harassment_desk_sla_breaches",
            "Cases left unacknowledged past the SLA (re-pings and lead alerts)",
            registry=self.registry,
        )
        self._slack_errors = Counter(
            "harassment_desk_slack_api_errors",
            "Slack Web API errors by error code",
            ["code"],
            registry=self.registry,
        )
        self._ack = Histogram(
            "harassment_desk_ack_seconds",
            "Time from a Slack request's arrival to the app's answer, by listener kind",
            ["kind"],
            buckets=ACK_BUCKETS,
            registry=self.registry,
        )

    def watch_backlog(self, read: Callable[[], tuple[int, float]]) -> None:
        self.registry.register(_Backlog(read))

    # One-line calls from the services ------------------------------------------------------
    def report_stored(self) -> None:
        self._reports.inc()

    def delivery(self, kind: str, outcome: str) -> None:
        self._deliveries.labels(kind=kind, outcome=outcome).inc()
        if outcome != "sent":
            return
        derived = self._derived.get(kind)
        if derived == "checkin_sent":
            self._checkins_sent.inc()
        elif derived == "checkin_answered":
            self._checkins_answered.inc()
        elif derived == "sla_breach":
            self._sla_breaches.inc()

    def slack_error(self, code: str) -> None:
        # Slack's codes are short snake_case words; anything else is folded so that a label
        # can never carry text from an answer.
        clean = code if code.replace("_", "").isalnum() and len(code) <= 48 else "other"
        self._slack_errors.labels(code=clean).inc()

    def ack(self, kind: str, seconds: float) -> None:
        self._ack.labels(kind=kind if kind in LISTENER_KINDS else "other").observe(seconds)

    def render(self) -> bytes:
        return generate_latest(self.registry)
