"""Services (approved applications) as staff see them, and ending one (API.md 1.1)."""

from enum import StrEnum
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field
from sqlalchemy import select

from moderation.inmates import mask_name
from moderation.services import EndReason
from moderation.statuses import Status
from review_api.deps import CurrentStaff, SessionDep, WorkDep
from storage.models import Account, Application, Inmate, Institution, Submission
from usecases import services
from web.submission_views import iso

router = APIRouter(tags=["services"])


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
    session: SessionDep, staff: CurrentStaff, status: ServiceState = ServiceState.ACTIVE
) -> list[dict[str, Any]]:
    # Not paged yet: issue-10a's paging module was not on a branch to merge; the integrator
    # pages this list with the others.
    rows = session.execute(
        select(Submission, Application, Inmate, Account.name, Institution.code)
        .join(Application, Application.id == Submission.id)
        .join(Inmate, Inmate.id == Application.inmate_id)
        .join(Account, Account.id == Submission.account_id)
        .join(Institution, Institution.id == Submission.institution_id)
        .where(
            Submission.institution_id.in_(staff.institution_ids),
            Submission.status == STATUS_OF[status],
        )
        .order_by(Submission.decided_at.desc())
    ).all()
    return [
        {
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
        for s, application, inmate, family_name, code in rows
    ]


@router.post("/services/{application_id}/end", response_model=Ended)
def end_service(
    application_id: str, body: EndBody, staff: CurrentStaff, work: WorkDep
) -> dict[str, Any]:
    stopped = services.end_service(work, staff, application_id, body.reason, body.note)
    return {"id": stopped.id, "status": stopped.status, "end_reason": stopped.end_reason}
