"""Contact-book posts: send one, see its status, send a new attempt after a refusal."""

from typing import Any

from fastapi import APIRouter, Request, status
from sqlalchemy import select

from ingest import posts
from ingest.deps import CurrentFamily, RuntimeDep, SessionDep, UploadingFamily
from ingest.schemas import PostStatus, SubmissionAccepted
from ingest.submissions import accept_upload, limits_from
from ingest.views import post_view
from storage.models import Submission, utcnow

router = APIRouter(tags=["posts"])

UPLOAD_DOC = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["application_id", "title", "body"],
                    "properties": {
                        "application_id": {"type": "string"},
                        "title": {"type": "string"},
                        "body": {"type": "string", "description": "at most 100 characters"},
                        "attachments": {
                            "type": "array",
                            "items": {"type": "string", "format": "binary"},
                        },
                    },
                }
            }
        },
    }
}


@router.post(
    "/posts",
    status_code=status.HTTP_202_ACCEPTED,
    openapi_extra=UPLOAD_DOC,
    response_model=SubmissionAccepted,
)
async def create(request: Request, account: UploadingFamily, rt: RuntimeDep) -> dict[str, Any]:
    return await accept_upload(
        request,
        rt,
        file_fields=posts.FILE_FIELDS,
        limits_for=limits_from(
            rt, lambda session, fields: posts.new_post_limits(session, account, fields)
        ),
        handle=lambda session, upload: posts.create_post(session, account, upload, now=utcnow()),
    )


@router.post(
    "/posts/{post_id}/attempts",
    status_code=status.HTTP_202_ACCEPTED,
    openapi_extra=UPLOAD_DOC,
    response_model=SubmissionAccepted,
)
async def resubmit(
    post_id: str, request: Request, account: UploadingFamily, rt: RuntimeDep
) -> dict[str, Any]:
    return await accept_upload(
        request,
        rt,
        file_fields=posts.FILE_FIELDS,
        limits_for=limits_from(
            rt, lambda session, _: posts.resubmission_limits(session, account, post_id)
        ),
        handle=lambda session, upload: posts.resubmit_post(
            session, account, post_id, upload, now=utcnow()
        ),
    )


@router.get("/posts", response_model=list[PostStatus])
def list_posts(account: CurrentFamily, session: SessionDep) -> list[dict[str, Any]]:
    rows = session.scalars(
        select(Submission)
        .where(Submission.account_id == account.id, Submission.kind == "post")
        .order_by(Submission.created_at.desc())
    )
    return [post_view(session, s) for s in rows]


@router.get("/posts/{post_id}", response_model=PostStatus)
def get_post(post_id: str, account: CurrentFamily, session: SessionDep) -> dict[str, Any]:
    return post_view(session, posts.post_of(session, account, post_id))
