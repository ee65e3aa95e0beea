"""The reviewers' lists and the one-call start of a review: the queue (filtered, searched,
paged), every item decided or not, and claim-next."""

from typing import Any

from fastapi import APIRouter, Request, Response, status

from moderation.kinds import SubmissionKind
from moderation.triage import stale_before
from review_api.deps import CurrentStaff, SessionDep, WorkDep
from review_api.item_schemas import ReviewItem
from review_api.item_view import item_view
from review_api.queue_view import ItemFilters, QueueFilters, for_staff, list_row
from review_api.schemas import ItemListEntry, QueueEntry
from storage.models import utcnow
from storage.review_search import ItemQuery, item_page
from usecases.review import claim_next
from usecases.review.access import institutions_in_scope
from web.paging import PageDep, link_next
from web.routing import ReadEndingRoute

router = APIRouter(route_class=ReadEndingRoute, tags=["review"])


def _list(
    request: Request,
    response: Response,
    session: SessionDep,
    staff: CurrentStaff,
    page: PageDep,
    query: ItemQuery,
    institution: str | None,
    name: str,
) -> list[dict[str, Any]]:
    ids = institutions_in_scope(session, staff, institution)
    settings = request.app.state.runtime.settings
    query = for_staff(query, staff, ids, settings.ocr_claim_stale_after_s)
    # The cursor names the list and its order: one of another is refused, not misread.
    ordering = f"{name}.{'newest' if query.newest_first else 'oldest'}"
    found = item_page(session, query, after=page.after(ordering), limit=page.limit)
    link_next(request, response, ordering, found)
    decided = name == "items"
    return [list_row(r, query.now, query.stale_before, decided=decided) for r in found.rows]


@router.get("/queue", response_model=list[QueueEntry])
def queue(
    request: Request,
    response: Response,
    session: SessionDep,
    staff: CurrentStaff,
    page: PageDep,
    filters: QueueFilters,
    institution: str | None = None,
) -> list[dict[str, Any]]:
    """Items awaiting review or claimed, oldest first (paged: the next page is in `Link`)."""
    return _list(request, response, session, staff, page, filters, institution, "queue")


@router.get("/items", response_model=list[ItemListEntry])
def items(
    request: Request,
    response: Response,
    session: SessionDep,
    staff: CurrentStaff,
    page: PageDep,
    filters: ItemFilters,
    institution: str | None = None,
) -> list[dict[str, Any]]:
    """Any item of the reviewer's institutions that reached review, decided or not."""
    return _list(request, response, session, staff, page, filters, institution, "items")


@router.post(
    "/queue/next",
    response_model=ReviewItem,
    responses={204: {"description": "沒有待認領的項目 nothing left to claim"}},
)
def next_item(
    staff: CurrentStaff,
    work: WorkDep,
    kind: SubmissionKind | None = None,
    institution: str | None = None,
) -> Any:
    """Claim the oldest unclaimed item and answer its whole detail (204 when none is left)."""
    stale = stale_before(utcnow(), work.rt.settings.ocr_claim_stale_after_s)
    view = claim_next.claim_next(
        work,
        staff,
        kind=kind,
        institution=institution,
        show=lambda claimed: item_view(work.session, claimed, stale_before=stale),
    )
    if view is None:
        return Response(status_code=status.HTTP_204_NO_CONTENT)
    return view
