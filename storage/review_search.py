"""The reviewers' lists: the queue and every item, filtered, searched and paged by keyset.

One query shape for both lists: the item with its current attempt, institution, family, inmate
and the staff member holding it, a page at a time in (submitted_at, id) order over the
`ix_submissions_in_queue` / `ix_submissions_all_items` indexes. Searches are exact or prefix
matches on indexes (`moderation.triage.search_term`), so none scans the items.
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Select, Subquery, and_, func, or_, select, union, union_all
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from moderation.flags import FlagCode
from moderation.kinds import SubmissionKind
from moderation.statuses import IN_QUEUE, NOT_CHECKED, Status
from moderation.triage import Claimed, OcrState, SearchKind, SearchTerm
from storage.models import (
    Account,
    Application,
    Attempt,
    AttemptFlag,
    Decision,
    Inmate,
    Institution,
    Post,
    Staff,
    Submission,
)
from storage.paging import Keyset, Page, cut, keyset_query
from storage.queries import is_current_attempt


@dataclass(frozen=True)
class ItemQuery:
    """What a reviewer asked to see; `None` or empty means "any"."""

    institution_ids: frozenset[str]
    staff_id: str
    now: datetime
    #: OCR claims older than this are nobody's (pending, not running).
    stale_before: datetime
    #: The queue (awaiting review or claimed) rather than every item that reached review.
    in_queue: bool = True
    kind: SubmissionKind | None = None
    status: Status | None = None
    flags: tuple[FlagCode, ...] = field(default_factory=tuple)
    claimed: Claimed | None = None
    min_attempt: int | None = None
    submitted_before: datetime | None = None
    submitted_from: datetime | None = None
    ocr: OcrState | None = None
    search: SearchTerm | None = None
    decided_by_me: bool = False
    newest_first: bool = False


@dataclass(frozen=True)
class ItemRow:
    """What a list row shows, in the order `_shown` selects it."""

    id: str
    kind: str
    status: str
    attempt: int
    submitted_at: datetime
    claimed_by: str | None
    decided_at: datetime | None
    flags: list[dict[str, Any]] | None
    title: str | None
    ocr_started_at: datetime | None
    ocr_done_at: datetime | None
    institution_code: str
    family_name: str
    callsign: str
    inmate_name: str
    holder_name: str | None


def item_page(session: Session, q: ItemQuery, *, after: Keyset | None, limit: int) -> Page[ItemRow]:
    """One page of items in one statement: the page is cut first, from one range scan of the
    (partial) index in keyset order with the filters applied on the way; only its rows are
    then joined to what each shows (institution, family, inmate, holder). Joining all of them
    before the cut would leave the planner to weigh nine tables against the whole queue (tens
    of milliseconds of planning alone) and tempt it into hashing whole tables; reading them in
    a query per table cost a round trip and an ORM pass each (most of the CPU of a page)."""
    page = _page_of(q, after, limit)
    rows = [ItemRow(*row) for row in session.execute(_shown(page, q.newest_first))]
    return cut(rows, limit, lambda r: Keyset(r.submitted_at, r.id))


def _page_of(q: ItemQuery, after: Keyset | None, limit: int) -> Subquery:
    """The page's rows, cut from one ordered range scan per institution. With several
    institutions the scans are merged: `institution_id IN (…)` would read and sort every item
    of all of them before the cut (43 ms for two institutions of 20,000 items)."""

    def scan(*where: ColumnElement[bool]) -> Select[Any]:
        query = select(*_PAGE_COLUMNS).join(Attempt, is_current_attempt()).where(*where)
        return keyset_query(
            _filtered(query, q),
            Submission.submitted_at,
            Submission.id,
            after=after,
            limit=limit,
            descending=q.newest_first,
        )

    ids = sorted(q.institution_ids)
    if len(ids) <= 1:
        return scan(Submission.institution_id.in_(ids)).subquery("page")
    scans = [select(scan(Submission.institution_id == i).subquery()) for i in ids]
    merged = union_all(*scans).subquery("merged")
    order = [merged.c.submitted_at, merged.c.id]
    ordered = [c.desc() for c in order] if q.newest_first else order
    return select(merged).order_by(*ordered).limit(limit + 1).subquery("page")


#: The page's own columns (the submission and its current attempt, read by the range scan).
_PAGE_COLUMNS = (
    Submission.id,
    Submission.kind,
    Submission.status,
    Submission.attempt,
    Submission.submitted_at,
    Submission.claimed_by,
    Submission.decided_at,
    Attempt.flags,
    Attempt.title,
    Attempt.ocr_started_at,
    Attempt.ocr_done_at,
    Submission.account_id,
    Submission.institution_id,
)


def _shown(page: Any, newest_first: bool) -> Select[Any]:
    """The page's rows with what they show, in the page's order. A post's inmate is its
    service application's; an application's is its own."""
    c = page.c
    order = (c.submitted_at, c.id)
    return (
        select(
            *(getattr(c, col.key) for col in _PAGE_COLUMNS[:-2]),
            Institution.code,
            Account.name,
            Inmate.callsign,
            Inmate.name,
            Staff.name,
        )
        .select_from(page)
        .join(Institution, Institution.id == c.institution_id)
        .join(Account, Account.id == c.account_id)
        .outerjoin(Post, Post.id == c.id)
        .join(Application, Application.id == func.coalesce(Post.application_id, c.id))
        .join(Inmate, Inmate.id == Application.inmate_id)
        .outerjoin(Staff, Staff.id == c.claimed_by)
        .order_by(*(col.desc() for col in order) if newest_first else order)
    )


def _filtered(query: Select[Any], q: ItemQuery) -> Select[Any]:
    if q.in_queue:
        query = query.where(Submission.status.in_(sorted(IN_QUEUE)))
    else:  # what reached review at least once (a first attempt the checks sent back never did)
        query = query.where(
            or_(Submission.attempt > 1, Submission.status.not_in(sorted(NOT_CHECKED)))
        )
    conditions: list[ColumnElement[bool]] = []
    if q.kind is not None:
        conditions.append(Submission.kind == q.kind)
    if q.status is not None:
        conditions.append(Submission.status == q.status)
    if q.flags:
        conditions.append(has_flag(*q.flags))
    if q.claimed is not None:
        conditions.append(_claimed(q.claimed, q.staff_id, q.now))
    if q.min_attempt is not None:
        conditions.append(Submission.attempt >= q.min_attempt)
    if q.submitted_before is not None:
        conditions.append(Submission.submitted_at <= q.submitted_before)
    if q.submitted_from is not None:
        conditions.append(Submission.submitted_at >= q.submitted_from)
    if q.ocr is not None:
        conditions.append(ocr_state_is(q.ocr, q.stale_before))
    if q.search is not None:
        conditions.append(matches(q.search, q.institution_ids))
    if q.decided_by_me:
        conditions.append(
            Submission.id.in_(
                select(Decision.submission_id).where(
                    Decision.staff_id == q.staff_id, Decision.reversed_at.is_(None)
                )
            )
        )
    return query.where(*conditions)


def _claimed(claimed: Claimed, staff_id: str, now: datetime) -> ColumnElement[bool]:
    held = and_(Submission.claimed_by.is_not(None), Submission.lease_expires_at > now)
    if claimed == Claimed.MINE:
        return and_(held, Submission.claimed_by == staff_id)
    if claimed == Claimed.OTHERS:
        return and_(held, Submission.claimed_by != staff_id)
    # A lapsed lease is anyone's again (a claim takes it over), even before the sweeper runs.
    return or_(Submission.claimed_by.is_(None), Submission.lease_expires_at <= now)


def has_flag(*codes: FlagCode) -> ColumnElement[bool]:
    """The current attempt carries a flag of one of these codes: through `attempt_flags`
    (ix_attempt_flags_code), never by parsing the JSON flags of each row scanned. As one
    IN, not an OR of tests, so the planner may start from the few flagged attempts."""
    return Attempt.id.in_(
        select(AttemptFlag.attempt_id).where(AttemptFlag.code.in_([c.value for c in codes]))
    )


def ocr_state_is(state: OcrState, stale_before: datetime) -> ColumnElement[bool]:
    """SQL for `moderation.triage.ocr_state(...) == state`."""
    done, started = Attempt.ocr_done_at, Attempt.ocr_started_at
    gave_up = has_flag(FlagCode.OCR_GAVE_UP)
    return {
        OcrState.DONE: and_(done.is_not(None), ~gave_up),
        OcrState.GAVE_UP: and_(done.is_not(None), gave_up),
        OcrState.RUNNING: and_(done.is_(None), started >= stale_before),
        OcrState.PENDING: and_(done.is_(None), or_(started.is_(None), started < stale_before)),
    }[state]


def matches(term: SearchTerm, institution_ids: frozenset[str]) -> ColumnElement[bool]:
    """Items found by a search term, each kind through its own index."""
    if term.kind == SearchKind.ITEM_ID:
        return Submission.id == term.value
    if term.kind == SearchKind.NATIONAL_ID:
        return Submission.account_id.in_(
            select(Account.id).where(Account.national_id == term.value)
        )
    if term.kind == SearchKind.FAMILY_NAME:
        return Submission.account_id.in_(
            select(Account.id).where(Account.name.startswith(term.value, autoescape=True))
        )
    # The inmate's applications, and the posts under them (ix_applications_inmate_id,
    # ix_posts_application_id), within the reviewer's institutions' rosters.
    inmates = select(Inmate.id).where(
        Inmate.callsign == term.value, Inmate.institution_id.in_(sorted(institution_ids))
    )
    applications = select(Application.id).where(Application.inmate_id.in_(inmates))
    posts = select(Post.id).where(Post.application_id.in_(applications))
    return Submission.id.in_(union(applications, posts))
