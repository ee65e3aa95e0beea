"""Approved posts waiting to be printed or shown to the inmate, and marking them delivered."""

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from sqlalchemy import select

from moderation.statuses import Status
from review_api.delivery_schemas import DeliveredIds, DeliveriesMarked
from review_api.deps import CurrentStaff, SessionDep, WorkDep
from review_api.item_view import application_inmate
from review_api.schemas import Delivered, Delivery
from storage.models import Post, Submission
from storage.paging import Keyset, cut, keyset_query
from usecases.review import deliveries
from usecases.review.access import institutions_in_scope
from web.delivery_pdf import render
from web.paging import PageDep, link_next
from web.routing import ReadEndingRoute
from web.submission_views import post_view

router = APIRouter(route_class=ReadEndingRoute, tags=["deliveries"])

PDF_DOC: dict[str, Any] = {
    "200": {
        "description": "One A4 page per post 每則一頁",
        "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
    }
}


#: The deliveries list's ordering (oldest approval first), named in its cursors.
DELIVERIES_ORDER = "deliveries"


@router.get("/deliveries", response_model=list[Delivery])
def waiting(
    request: Request,
    response: Response,
    session: SessionDep,
    staff: CurrentStaff,
    page: PageDep,
    institution: str | None = None,
) -> list[dict[str, Any]]:
    """Approved posts not yet delivered, oldest approval first (paged)."""
    ids = institutions_in_scope(session, staff, institution)
    query = (
        select(Submission)
        .join(Post, Post.id == Submission.id)
        .where(Submission.institution_id.in_(ids), Submission.status == Status.APPROVED)
    )
    rows = session.scalars(
        keyset_query(
            query,
            Submission.decided_at,
            Submission.id,
            after=page.after(DELIVERIES_ORDER),
            limit=page.limit,
        )
    ).all()
    cut_page = cut(rows, page.limit, lambda s: Keyset(s.decided_at, s.id))
    link_next(request, response, DELIVERIES_ORDER, cut_page)
    out = []
    for s in cut_page.rows:
        view = post_view(session, s)
        inmate = application_inmate(session, view["application_id"])
        view["inmate"] = {"callsign": inmate.callsign, "name": inmate.name}
        out.append(view)
    return out


@router.post("/items/{item_id}/delivered", response_model=Delivered)
def delivered(item_id: str, staff: CurrentStaff, work: WorkDep) -> dict[str, str]:
    """Mark one post delivered; marking it again answers 200 as well."""
    return {"status": deliveries.mark_delivered(work, staff, item_id)}


@router.post("/deliveries/delivered", response_model=DeliveriesMarked)
def delivered_many(body: DeliveredIds, staff: CurrentStaff, work: WorkDep) -> dict[str, Any]:
    """Mark many posts delivered at once: a result per id, the batch itself always 200."""
    results = deliveries.mark_many(work, staff, body.ids)
    return {"results": [{"id": i, "result": outcome} for i, outcome in results]}


@router.get("/deliveries/print", response_class=Response, responses=PDF_DOC)
def print_deliveries(
    staff: CurrentStaff,
    work: WorkDep,
    ids: Annotated[list[str], Query(min_length=1, description="post ids, repeated or a,b,c")],
) -> Response:
    """The posts as a PDF to hand to the inmate: one A4 page each, in the order asked."""
    wanted = [i for value in ids for i in value.split(",")]
    sheets = deliveries.sheets_to_print(work, staff, wanted)
    settings = work.rt.settings
    pdf = render(sheets, work.rt.files.read_bytes, settings.print_font, settings.print_font_index)
    return Response(
        pdf,
        media_type="application/pdf",
        headers={
            "Content-Disposition": 'inline; filename="deliveries.pdf"',
            "Cache-Control": "no-store",
        },
    )
