"""The institutions' daily figures (GET /review/v1/reports): what arrived, what was decided and
how, what the checks sent back, how long families waited, who decided.

Days are Taiwan's (Asia/Taipei), as the institutions count them. Turnaround is from the
decided attempt's arrival to its decision. Percentiles are nearest-rank (the smallest value
with at least p% of the values at or below it): always a turnaround that really happened, and
exact on small days, where interpolating would invent one.
"""

import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from moderation.taiwan_time import taiwan_date
from moderation.verdicts import Verdict

#: The longest range one report covers: a year (and a leap day).
MAX_REPORT_DAYS = 366


@dataclass(frozen=True)
class Arrival:
    """An attempt received (a first submission or a resubmission)."""

    at: datetime
    institution: str


@dataclass(frozen=True)
class SentBack:
    """An attempt the automated checks sent back to the family (待補件), with its checks."""

    at: datetime
    institution: str
    checks: tuple[str, ...]


@dataclass(frozen=True)
class Decided:
    at: datetime
    institution: str
    verdict: Verdict
    reason_code: str | None
    reviewer: str
    submitted_at: datetime


@dataclass
class DayFigures:
    day: date
    institution: str
    received: int = 0
    approved: int = 0
    rejected: int = 0
    rejected_by_reason: Counter[str] = field(default_factory=Counter)
    needs_fix: int = 0
    needs_fix_by_check: Counter[str] = field(default_factory=Counter)
    turnarounds_s: list[int] = field(default_factory=list)
    decisions_by_reviewer: Counter[str] = field(default_factory=Counter)

    @property
    def turnaround_p50_s(self) -> int | None:
        return percentile(self.turnarounds_s, 50)

    @property
    def turnaround_p90_s(self) -> int | None:
        return percentile(self.turnarounds_s, 90)


def percentile(values: list[int], p: float) -> int | None:
    """Nearest-rank percentile; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def figures(
    first: date,
    last: date,
    institutions: list[str],
    arrivals: list[Arrival],
    sent_back: list[SentBack],
    decided: list[Decided],
) -> list[DayFigures]:
    """One row per day and institution of the range, days without events included (zeros),
    ordered by day then institution. Events outside the range are ignored."""
    table = {(d, i): DayFigures(d, i) for d in days(first, last) for i in sorted(institutions)}

    def row(at: datetime, institution: str) -> DayFigures | None:
        return table.get((taiwan_date(at), institution))

    for a in arrivals:
        if (r := row(a.at, a.institution)) is not None:
            r.received += 1
    for s in sent_back:
        if (r := row(s.at, s.institution)) is not None:
            r.needs_fix += 1
            r.needs_fix_by_check.update(set(s.checks))
    for d in decided:
        if (r := row(d.at, d.institution)) is None:
            continue
        if d.verdict == Verdict.APPROVE:
            r.approved += 1
        else:
            r.rejected += 1
            r.rejected_by_reason[d.reason_code or "other"] += 1
        r.turnarounds_s.append(int((d.at - d.submitted_at).total_seconds()))
        r.decisions_by_reviewer[d.reviewer] += 1
    return list(table.values())
