"""Approved posts waiting to be printed or shown to the inmate, and marking them delivered."""

from typing import Any

from fastapi import APIRouter
from sqlalchemy import select

from moderation.statuses import Status
from review_api.deps import CurrentStaff, SessionDep, WorkDep
from review_api.item_view import application_inmate
from review_api.schemas import Delivered, Delivery
from storage.models import Post, Submission
from usecases.review import deliveries
from usecases.review.access import institutions_in_scope
from web.submission_views import post_view

router = APIRouter(tags=["deliveries"])


@router.get("/deliveries", response_model=list[Delivery])
def waiting(
    session: SessionDep, staff: CurrentStaff, institution: str | None = None
) -> list[dict[str, Any]]:
    ids = institutions_in_scope(session, staff, institution)
    rows = session.scalars(
        select(Submission)
        .join(Post, Post.id == Submission.id)
        .where(Submission.institution_id.in_(ids), Submission.status == Status.APPROVED)
        .order_by(Submission.decided_at)
    ).all()
    out = []
    for s in rows:
        view = post_view(session, s)
        inmate = application_inmate(session, view["application_id"])
        view["inmate"] = {"callsign": inmate.callsign, "name": inmate.name}
        out.append(view)
    return out


@router.post("/items/{item_id}/delivered", response_model=Delivered)
def delivered(item_id: str, staff: CurrentStaff, work: WorkDep) -> dict[str, str]:
    return {"status": deliveries.mark_delivered(work, staff, item_id)}
