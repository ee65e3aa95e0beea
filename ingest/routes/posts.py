"""Contact-book posts: send one, see its status, send a new attempt after a refusal."""

from typing import Any

from fastapi import APIRouter, Request, status
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import select

from ingest import posts
from ingest.deps import CurrentFamily, RuntimeDep, SessionDep, VerifiedFamily
from ingest.submissions import Accepted
from ingest.uploads import Upload, receive_upload
from ingest.views import post_view
from storage.models import Submission, utcnow
from workers.actors import wake_check

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


async def _receive(request: Request, rt: RuntimeDep) -> Upload:
    return await receive_upload(
        request,
        rt.files,
        file_fields=frozenset(posts.FILE_FIELDS),
        max_bytes=rt.settings.max_request_bytes,
    )


def _accepted(result: Accepted) -> dict[str, Any]:
    return {"id": result.submission_id, "status": result.status, "attempt": result.attempt}


@router.post("/posts", status_code=status.HTTP_202_ACCEPTED, openapi_extra=UPLOAD_DOC)
async def create(
    request: Request, account: VerifiedFamily, session: SessionDep, rt: RuntimeDep
) -> dict[str, Any]:
    upload = await _receive(request, rt)
    try:
        result = await run_in_threadpool(posts.create_post, session, account, upload, now=utcnow())
    except BaseException:
        upload.discard()
        raise
    wake_check(result.attempt_id)
    return _accepted(result)


@router.post(
    "/posts/{post_id}/attempts", status_code=status.HTTP_202_ACCEPTED, openapi_extra=UPLOAD_DOC
)
async def resubmit(
    post_id: str, request: Request, account: VerifiedFamily, session: SessionDep, rt: RuntimeDep
) -> dict[str, Any]:
    upload = await _receive(request, rt)
    try:
        result = await run_in_threadpool(
            posts.resubmit_post, session, account, post_id, upload, now=utcnow()
        )
    except BaseException:
        upload.discard()
        raise
    wake_check(result.attempt_id)
    return _accepted(result)


@router.get("/posts")
def list_posts(account: CurrentFamily, session: SessionDep) -> list[dict[str, Any]]:
    rows = session.scalars(
        select(Submission)
        .where(Submission.account_id == account.id, Submission.kind == "post")
        .order_by(Submission.created_at.desc())
    )
    return [post_view(session, s) for s in rows]


@router.get("/posts/{post_id}")
def get_post(post_id: str, account: CurrentFamily, session: SessionDep) -> dict[str, Any]:
    return post_view(session, posts.post_of(session, account, post_id))
