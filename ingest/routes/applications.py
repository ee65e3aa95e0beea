"""Service applications: apply, see the status, send a new attempt."""

from typing import Any

from fastapi import APIRouter, Request, status
from sqlalchemy import select

from ingest import applications
from ingest.applications import FILE_FIELDS
from ingest.deps import CurrentFamily, RuntimeDep, SessionDep, UploadingFamily
from ingest.schemas import ApplicationStatus, SubmissionAccepted
from ingest.submissions import accept_upload, limits_from
from ingest.views import application_view
from moderation.errors import NotFound
from moderation.taiwan_time import taiwan_date
from storage.models import Submission

router = APIRouter(tags=["applications"])

UPLOAD_DOC = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": [
                        "institution",
                        "callsign",
                        "relationship",
                        "identity_documents",
                        "relationship_documents",
                    ],
                    "properties": {
                        "institution": {"type": "string"},
                        "callsign": {"type": "string"},
                        "relationship": {"type": "string"},
                        "identity_documents": {
                            "type": "array",
                            "maxItems": 4,
                            "items": {"type": "string", "format": "binary"},
                        },
                        "relationship_documents": {
                            "type": "array",
                            "maxItems": 4,
                            "items": {"type": "string", "format": "binary"},
                        },
                        "applicant_photo": {"type": "string", "format": "binary"},
                    },
                }
            }
        },
    }
}


@router.post(
    "/applications",
    status_code=status.HTTP_202_ACCEPTED,
    openapi_extra=UPLOAD_DOC,
    response_model=SubmissionAccepted,
)
async def apply(request: Request, account: UploadingFamily, rt: RuntimeDep) -> dict[str, Any]:
    return await accept_upload(
        request,
        rt,
        file_fields=FILE_FIELDS,
        limits_for=limits_from(rt, applications.new_application_limits),
        handle=lambda session, upload: applications.apply(
            session, account, upload, today=taiwan_date()
        ),
    )


@router.post(
    "/applications/{application_id}/attempts",
    status_code=status.HTTP_202_ACCEPTED,
    openapi_extra=UPLOAD_DOC,
    response_model=SubmissionAccepted,
)
async def resubmit(
    application_id: str, request: Request, account: UploadingFamily, rt: RuntimeDep
) -> dict[str, Any]:
    return await accept_upload(
        request,
        rt,
        file_fields=FILE_FIELDS,
        limits_for=limits_from(
            rt,
            lambda session, _: applications.resubmission_limits(session, account, application_id),
        ),
        handle=lambda session, upload: applications.resubmit(
            session, account, application_id, upload, today=taiwan_date()
        ),
    )


@router.get("/applications", response_model=list[ApplicationStatus])
def list_applications(account: CurrentFamily, session: SessionDep) -> list[dict[str, Any]]:
    rows = session.scalars(
        select(Submission)
        .where(Submission.account_id == account.id, Submission.kind == "application")
        .order_by(Submission.created_at.desc())
    )
    return [application_view(session, s) for s in rows]


@router.get("/applications/{application_id}", response_model=ApplicationStatus)
def get_application(
    application_id: str, account: CurrentFamily, session: SessionDep
) -> dict[str, Any]:
    submission = session.get(Submission, application_id)
    if (
        submission is None
        or submission.account_id != account.id
        or submission.kind != "application"
    ):
        raise NotFound(code="not_found", message="找不到這筆申請。", message_en="Not found.")
    return application_view(session, submission)
