"""The reviewers' list rows (GET /queue, GET /items) and the filters their query strings take."""

from dataclasses import replace
from datetime import date, datetime, time, timedelta
from typing import Annotated, Any

from fastapi import Depends, Query

from moderation.errors import invalid_fields
from moderation.flags import FlagCode
from moderation.kinds import SubmissionKind
from moderation.staff import StaffMember
from moderation.statuses import Status
from moderation.taiwan_time import TAIWAN
from moderation.triage import (
    MAX_SEARCH_CHARS,
    Claimed,
    OcrState,
    QueueSort,
    ocr_state,
    search_term,
    stale_before,
)
from storage.models import utcnow
from storage.review_search import ItemQuery, ItemRow
from web.submission_views import iso

#: A year of hours: an age filter beyond it is a typo, not a triage.
MAX_AGE_HOURS = 24 * 365


def list_row(r: ItemRow, now: datetime, stale: datetime, *, decided: bool) -> dict[str, Any]:
    """A row of the queue, or (`decided`) of the item list, which also says when."""
    row = {
        "id": r.id,
        "kind": r.kind,
        "institution": r.institution_code,
        "status": r.status,
        "attempt": r.attempt,
        "submitted_at": r.submitted_at.isoformat(),
        "waiting_s": int((now - r.submitted_at).total_seconds()),
        "claimed_by": r.claimed_by,
        "flags": r.flags or [],
        "claimed_by_staff": (
            {"id": r.claimed_by, "name": r.holder_name or ""} if r.claimed_by else None
        ),
        "family_name": r.family_name,
        "inmate": {"callsign": r.callsign, "name": r.inmate_name},
        "title": r.title,
        "ocr_state": ocr_state(
            started_at=r.ocr_started_at, done_at=r.ocr_done_at, flags=r.flags, stale_before=stale
        ),
    }
    if decided:
        row["decided_at"] = iso(r.decided_at)
    return row


async def _common(
    kind: SubmissionKind | None = None,
    flag: Annotated[
        list[FlagCode] | None, Query(description="有任一旗標 any of these flags (repeatable)")
    ] = None,
    q: Annotated[
        str | None,
        Query(
            max_length=MAX_SEARCH_CHARS,
            description="搜尋：家屬姓名開頭、身分證字號、收容人呼號或項目 id "
            "family name prefix, national ID, callsign or item id",
        ),
    ] = None,
    sort: QueueSort = QueueSort.OLDEST,
) -> ItemQuery:
    now = utcnow()
    return ItemQuery(
        institution_ids=frozenset(),
        staff_id="",
        now=now,
        stale_before=now,
        kind=kind,
        flags=tuple(flag or ()),
        search=search_term(q) if q is not None else None,
        newest_first=sort == QueueSort.NEWEST,
    )


async def queue_filters(
    common: Annotated[ItemQuery, Depends(_common)],
    claimed: Claimed | None = None,
    min_attempt: Annotated[int | None, Query(ge=1, le=1000)] = None,
    older_than_hours: Annotated[
        float | None, Query(ge=0, le=MAX_AGE_HOURS, description="已等待超過幾小時 waiting longer")
    ] = None,
    ocr_state: OcrState | None = None,
) -> ItemQuery:
    before = None
    if older_than_hours is not None:
        before = common.now - timedelta(hours=older_than_hours)
    return replace(
        common,
        claimed=claimed,
        min_attempt=min_attempt,
        submitted_before=before,
        ocr=ocr_state,
    )


QueueFilters = Annotated[ItemQuery, Depends(queue_filters)]


def _day_query(description: str, alias: str | None = None) -> Any:
    # A day as YYYY-MM-DD only: pydantic's date would also take a number (seconds since 1970).
    return Query(
        alias=alias,
        pattern=r"^\d{4}-\d{2}-\d{2}$",
        description=description,
        json_schema_extra={"format": "date"},
    )


def _day(name: str, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise invalid_fields({name: ("日期不存在。", "No such date (YYYY-MM-DD).")}) from None


async def item_filters(
    common: Annotated[ItemQuery, Depends(_common)],
    status: Status | None = None,
    decided_by: Annotated[str | None, Query(pattern="^me$", description="me：我決定的")] = None,
    from_: Annotated[str | None, _day_query("送出日（臺灣）起 from", alias="from")] = None,
    to: Annotated[str | None, _day_query("送出日（臺灣）止（含） to, inclusive")] = None,
) -> ItemQuery:
    first, last = _day("from", from_), _day("to", to)
    return replace(
        common,
        in_queue=False,
        status=status,
        decided_by_me=decided_by == "me",
        submitted_from=_taiwan_midnight(first) if first else None,
        submitted_before=_taiwan_midnight(last + timedelta(days=1)) if last else None,
    )


ItemFilters = Annotated[ItemQuery, Depends(item_filters)]


def _taiwan_midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=TAIWAN)


def for_staff(query: ItemQuery, staff: StaffMember, ids: set[str], stale_s: int) -> ItemQuery:
    """The filters bound to the reviewer: their institutions, their claims."""
    return replace(
        query,
        institution_ids=frozenset(ids),
        staff_id=staff.id,
        stale_before=stale_before(query.now, stale_s),
    )
