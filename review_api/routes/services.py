"""Services (approved applications) as staff see them, and ending one (API.md 1.1)."""

from enum import StrEnum
from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field
from sqlalchemy import select

from moderation.inmates import mask_name
from moderation.services import EndReason
from moderation.statuses import Status
from review_api.deps import CurrentStaff, SessionDep, WorkDep
from storage.models import Account, Application, Inmate, Institution, Submission
from storage.paging import Keyset, cut, keyset_query
from usecases import services
from web.paging import PageDep, link_next
from web.routing import ReadEndingRoute
from web.submission_views import iso

router = APIRouter(route_class=ReadEndingRoute, tags=["services"])


class ServiceState(StrEnum):
    ACTIVE = "active"
    ENDED = "ended"


STATUS_OF = {ServiceState.ACTIVE: Status.APPROVED, ServiceState.ENDED: Status.ENDED}


class ServiceInmate(BaseModel):
    callsign: str
    name: str
    masked_name: str


class Service(BaseModel):
    """A family's contact-book service for one inmate."""

    id: str = Field(description="服務申請的 id")
    institution: str = Field(description="機關代碼")
    status: Status
    account_id: str
    family_name: str
    inmate: ServiceInmate
    relationship: str
    approved_at: str | None
    end_reason: EndReason | None
    end_note: str | None
    ended_at: str | None


class EndBody(BaseModel):
    reason: EndReason
    note: str | None = None


class Ended(BaseModel):
    id: str
    status: Status
    end_reason: EndReason


@router.get("/services", response_model=list[Service])
def list_services(
    request: Request,
    response: Response,
    session: SessionDep,
    staff: CurrentStaff,
    page: PageDep,
    status: ServiceState = ServiceState.ACTIVE,
) -> list[dict[str, Any]]:
    """Services of the caller's institutions, the latest approved (or ended) first; paged,
    the next page in `Link`."""
    query = (
        select(Submission, Application, Inmate, Account.name, Institution.code)
        .join(Application, Application.id == Submission.id)
        .join(Inmate, Inmate.id == Application.inmate_id)
        .join(Account, Account.id == Submission.account_id)
        .join(Institution, Institution.id == Submission.institution_id)
        .where(
            Submission.institution_id.in_(staff.institution_ids),
            Submission.status == STATUS_OF[status],
        )
    )
    ordering = f"services.{status.value}"
    rows = session.execute(
        keyset_query(
            query,
            Submission.status_changed_at,
            Submission.id,
            after=page.after(ordering),
            limit=page.limit,
            descending=True,
        )
    ).all()
    found = cut(rows, page.limit, lambda r: Keyset(r[0].status_changed_at, r[0].id))
    link_next(request, response, ordering, found)
    return [_row(*r) for r in found.rows]


def _row(
    s: Submission, application: Application, inmate: Inmate, family_name: str, code: str
) -> dict[str, Any]:
    return {
        "id": s.id,
        "institution": code,
        "status": s.status,
        "account_id": s.account_id,
        "family_name": family_name,
        "inmate": {
            "callsign": inmate.callsign,
            "name": inmate.name,
            "masked_name": mask_name(inmate.name),
        },
        "relationship": application.relationship,
        "approved_at": iso(s.decided_at),
        "end_reason": application.end_reason,
        "end_note": application.end_note,
        "ended_at": iso(application.ended_at),
    }


@router.post("/services/{application_id}/end", response_model=Ended)
def end_service(
    application_id: str, body: EndBody, staff: CurrentStaff, work: WorkDep
) -> dict[str, Any]:
    stopped = services.end_service(work, staff, application_id, body.reason, body.note)
    return {"id": stopped.id, "status": stopped.status, "end_reason": stopped.end_reason}
