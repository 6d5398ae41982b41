"""Monthly figures (pure): counts, time to acknowledge and resolve in desk hours, breaches.

Input is one `CaseFacts` per case reported in the month, already stripped of anything personal.
Counts of 1 or 2 are shown as "<3" in the channel post (`shown`), so nobody can be singled out
from a tiny cell; the figures themselves keep the exact numbers for the export and tests.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.deskhours import Month

if TYPE_CHECKING:
    from bot.stats.handling import HandlingFigures

SMALL = "<3"


@dataclass(frozen=True)
class CaseFacts:
    categories: Sequence[str]
    location: str
    channel: str
    customer_type: str
    outcome: str  # "" while open
    acknowledge_hours: float | None  # desk hours from report to acknowledgement
    resolve_hours: float | None
    sla_breached: bool
    checkin_answers: Sequence[str] = ()
    customer_id: int | None = None


@dataclass(frozen=True)
class Spread:
    count: int
    median: float | None
    p90: float | None


def percentile(values: Sequence[float], share: float) -> float | None:
    """Nearest-rank percentile (the smallest value with at least `share` of values at or below)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[rank - 1]


def spread(values: Iterable[float | None]) -> Spread:
    known = [v for v in values if v is not None]
    return Spread(
        count=len(known),
        median=statistics.median(known) if known else None,
        p90=percentile(known, 0.9),
    )


@dataclass(frozen=True)
class MonthlyFigures:
    month: Month
    total: int
    by_category: dict[str, int] = field(default_factory=dict)
    by_location: dict[str, int] = field(default_factory=dict)
    by_channel: dict[str, int] = field(default_factory=dict)
    by_customer_type: dict[str, int] = field(default_factory=dict)
    by_outcome: dict[str, int] = field(default_factory=dict)
    acknowledge: Spread = Spread(0, None, None)
    resolve: Spread = Spread(0, None, None)
    sla_breaches: int = 0
    checkin_answers: dict[str, int] = field(default_factory=dict)
    repeat_customers: int = 0
    # Restricted cases (a lead's restriction or the reporter's exclusions): in `total`, and in
    # no breakdown, spread or other figure.
    restricted: int = 0
    handling: HandlingFigures | None = None


def _ordered(counter: Counter[str]) -> dict[str, int]:
    return dict(sorted(counter.items(), key=lambda item: (-item[1], item[0])))


def monthly_figures(
    month: Month,
    cases: Sequence[CaseFacts],
    *,
    repeat_customer_ids: Iterable[int] = (),
    restricted: int = 0,
) -> MonthlyFigures:
    """`repeat_customer_ids`: customers with a case this month who also have another case.
    `cases` are the cases shown in detail; `restricted` more are only counted in the total."""
    categories: Counter[str] = Counter()
    for case in cases:
        categories.update(case.categories or ("uncategorised",))
    answers: Counter[str] = Counter(a for case in cases for a in case.checkin_answers)
    return MonthlyFigures(
        month=month,
        total=len(cases) + restricted,
        restricted=restricted,
        by_category=_ordered(categories),
        by_location=_ordered(Counter(c.location or "unknown" for c in cases)),
        by_channel=_ordered(Counter(c.channel for c in cases)),
        by_customer_type=_ordered(Counter(c.customer_type for c in cases)),
        by_outcome=_ordered(Counter(c.outcome or "open" for c in cases)),
        acknowledge=spread(c.acknowledge_hours for c in cases),
        resolve=spread(c.resolve_hours for c in cases),
        sla_breaches=sum(1 for c in cases if c.sla_breached),
        checkin_answers=_ordered(answers),
        repeat_customers=len(set(repeat_customer_ids)),
    )


def shown(count: int) -> str:
    """A count as the channel post shows it: 1 and 2 become "<3"."""
    return SMALL if 1 <= count <= 2 else str(count)


def hours_text(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"
