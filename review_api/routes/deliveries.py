"""Approved posts waiting to be printed or shown to the inmate, and marking them delivered."""

from typing import Any

from fastapi import APIRouter
from sqlalchemy import select

from familybook.audit import record
from ingest.views import post_view
from moderation.errors import NotFound
from moderation.statuses import Status
from review_api.deps import CurrentStaff, SessionDep, institutions_in_scope, visible_item
from review_api.items import application_inmate
from review_api.schemas import Delivered, Delivery
from storage import transitions
from storage.models import Post, Submission, utcnow

router = APIRouter(tags=["deliveries"])


@router.get("/deliveries", response_model=list[Delivery])
def deliveries(
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
def delivered(item_id: str, session: SessionDep, staff: CurrentStaff) -> dict[str, str]:
    submission = visible_item(session, staff, item_id)
    post = session.get(Post, submission.id)
    if post is None:
        raise NotFound(
            code="not_a_post",
            message="只有聯絡簿可以標記為已送達。",
            message_en="Only posts are delivered.",
        )
    now = utcnow()
    transitions.move(session, submission, Status.DELIVERED)
    post.delivered_at, post.delivered_by = now, staff.id
    record(session, staff.actor, "delivered", submission_id=submission.id)
    session.commit()
    return {"status": Status.DELIVERED.value}
