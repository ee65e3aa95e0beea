"""Daily figures per institution (GET /reports), as JSON or as CSV for a spreadsheet."""

import csv
import io
from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, Field

from moderation.reports import DayFigures
from review_api.deps import CurrentStaff, SessionDep
from usecases.reports import Report, report
from web.query_dates import DAY_PATTERN, DAY_SCHEMA, parse_day
from web.routing import ReadEndingRoute

router = APIRouter(route_class=ReadEndingRoute, tags=["reports"])

#: Spreadsheets run a cell that starts so as a formula (CSV injection): such text is quoted.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FIXED_COLUMNS = (
    "date",
    "institution",
    "received",
    "approved",
    "rejected",
    "needs_fix",
    "turnaround_p50_s",
    "turnaround_p90_s",
)


class ReportFormat(StrEnum):
    JSON = "json"
    CSV = "csv"


class ReviewerCount(BaseModel):
    staff_id: str
    name: str
    decisions: int


class ReportRow(BaseModel):
    """One day (Taiwan's) of one institution."""

    date: str
    institution: str = Field(description="機關代碼")
    received: int = Field(description="收件（含補件重送）")
    approved: int
    rejected: int
    rejected_by_reason: dict[str, int]
    needs_fix: int = Field(description="自動檢查退回補件")
    needs_fix_by_check: dict[str, int]
    turnaround_p50_s: int | None = Field(description="送件到決定的秒數，中位數")
    turnaround_p90_s: int | None
    decisions_by_reviewer: list[ReviewerCount]


CSV_DOC: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "JSON rows, or with format=csv a CSV with a header row",
        "content": {"text/csv": {"schema": {"type": "string"}}},
    }
}


def _json_row(r: DayFigures, names: dict[str, str]) -> dict[str, Any]:
    return {
        "date": r.day.isoformat(),
        "institution": r.institution,
        "received": r.received,
        "approved": r.approved,
        "rejected": r.rejected,
        "rejected_by_reason": dict(sorted(r.rejected_by_reason.items())),
        "needs_fix": r.needs_fix,
        "needs_fix_by_check": dict(sorted(r.needs_fix_by_check.items())),
        "turnaround_p50_s": r.turnaround_p50_s,
        "turnaround_p90_s": r.turnaround_p90_s,
        "decisions_by_reviewer": [
            {"staff_id": s, "name": names[s], "decisions": n}
            for s, n in sorted(r.decisions_by_reviewer.items(), key=lambda x: names[x[0]])
        ],
    }


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def _csv(result: Report) -> str:
    """A wide table: the fixed columns, then one per reason, check and reviewer seen."""
    reasons = sorted({k for r in result.rows for k in r.rejected_by_reason})
    checks = sorted({k for r in result.rows for k in r.needs_fix_by_check})
    reviewers = sorted(result.reviewers, key=lambda s: (result.reviewers[s], s))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(
        [
            *FIXED_COLUMNS,
            *(f"rejected:{c}" for c in reasons),
            *(f"needs_fix:{c}" for c in checks),
            *(_cell(f"reviewer:{result.reviewers[s]}") for s in reviewers),
        ]
    )
    for r in result.rows:
        fixed = [r.day.isoformat(), r.institution, r.received, r.approved, r.rejected]
        fixed += [r.needs_fix, r.turnaround_p50_s, r.turnaround_p90_s]
        writer.writerow(
            [
                *(_cell(v) for v in fixed),
                *(r.rejected_by_reason[c] for c in reasons),
                *(r.needs_fix_by_check[c] for c in checks),
                *(r.decisions_by_reviewer[s] for s in reviewers),
            ]
        )
    return out.getvalue()


@router.get("/reports", response_model=list[ReportRow], responses=CSV_DOC)
def reports(
    session: SessionDep,
    staff: CurrentStaff,
    from_: Annotated[
        str,
        Query(
            alias="from",
            pattern=DAY_PATTERN,
            description="起日（臺灣日期，含）",
            json_schema_extra=DAY_SCHEMA,
        ),
    ],
    to: Annotated[
        str, Query(pattern=DAY_PATTERN, description="迄日（含）", json_schema_extra=DAY_SCHEMA)
    ],
    institution: str | None = None,
    format: ReportFormat = ReportFormat.JSON,
) -> Any:
    """Per day and institution: received, approved, rejected by reason, sent back by the
    checks, turnaround p50/p90 (nearest rank), decisions per reviewer."""
    first, last = parse_day(from_, "from"), parse_day(to, "to")
    result = report(session, staff, first, last, institution)
    if format == ReportFormat.CSV:
        name = f"familybook-report-{first.isoformat()}-{last.isoformat()}.csv"
        return Response(
            _csv(result),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )
    return [_json_row(r, result.reviewers) for r in result.rows]
