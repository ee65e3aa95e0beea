"""The figures of `moderation.reports`, read from the record for a staff member's
institutions: arrivals are attempts, sent back are attempts the checks returned (待補件),
decisions are reviewers' decisions. Reads only."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from moderation.errors import invalid_fields
from moderation.reports import (
    MAX_REPORT_DAYS,
    Arrival,
    DayFigures,
    Decided,
    SentBack,
    figures,
)
from moderation.staff import StaffMember
from moderation.statuses import Status
from moderation.taiwan_time import TAIWAN
from moderation.verdicts import Verdict
from storage.models import Attempt, Decision, Institution, Staff, Submission
from usecases.review.access import institutions_in_scope


@dataclass(frozen=True)
class Report:
    rows: list[DayFigures]
    #: Reviewers' names by staff id, for the decisions per reviewer.
    reviewers: dict[str, str]


def _range(first: date, last: date) -> tuple[datetime, datetime]:
    if last < first:
        raise invalid_fields({"to": ("迄日不能早於起日。", "`to` is before `from`.")})
    if (last - first).days >= MAX_REPORT_DAYS:
        raise invalid_fields(
            {
                "to": (
                    f"一次最多 {MAX_REPORT_DAYS} 天。",
                    f"At most {MAX_REPORT_DAYS} days at once.",
                )
            }
        )
    start = datetime.combine(first, time(0), TAIWAN)
    return start, datetime.combine(last + timedelta(days=1), time(0), TAIWAN)


def report(
    session: Session, staff: StaffMember, first: date, last: date, code: str | None
) -> Report:
    start, end = _range(first, last)
    ids = institutions_in_scope(session, staff, code)
    query = select(Institution.id, Institution.code).where(Institution.id.in_(ids))
    codes: dict[str, str] = {i: c for i, c in session.execute(query)}
    in_scope = Submission.institution_id.in_(ids)
    of_attempt = Submission.id == Attempt.submission_id
    arrivals = [
        Arrival(at, codes[i])
        for at, i in session.execute(
            select(Attempt.submitted_at, Submission.institution_id)
            .join(Submission, of_attempt)
            .where(in_scope, Attempt.submitted_at >= start, Attempt.submitted_at < end)
        )
    ]
    sent_back = [
        SentBack(at, codes[i], tuple(r.get("code", "") for r in reasons or []))
        for at, i, reasons in session.execute(
            select(Attempt.checked_at, Submission.institution_id, Attempt.reasons)
            .join(Submission, of_attempt)
            .where(
                in_scope,
                Attempt.status == Status.NEEDS_FIX,
                Attempt.checked_at >= start,
                Attempt.checked_at < end,
            )
        )
    ]
    decided = [
        Decided(at, codes[i], Verdict(verdict), reason, staff_id, submitted)
        for at, i, verdict, reason, staff_id, submitted in session.execute(
            select(
                Decision.decided_at,
                Submission.institution_id,
                Decision.decision,
                Decision.reason_code,
                Decision.staff_id,
                Attempt.submitted_at,
            )
            .join(Attempt, Attempt.id == Decision.attempt_id)
            .join(Submission, Submission.id == Decision.submission_id)
            .where(in_scope, Decision.decided_at >= start, Decision.decided_at < end)
        )
    ]
    reviewers = {d.reviewer for d in decided}
    names = dict(session.execute(select(Staff.id, Staff.name).where(Staff.id.in_(reviewers))).all())
    rows = figures(first, last, list(codes.values()), arrivals, sent_back, decided)
    return Report(rows, {r: names.get(r, r) for r in reviewers})
