"""POST /institution-posts: staff publish an entry to a family's book."""

from typing import Any

from fastapi import APIRouter, Request, status
from fastapi.concurrency import run_in_threadpool

from ingest.uploads import receive_upload
from review_api import institution_posts
from review_api.deps import CurrentStaff, RuntimeDep, SessionDep
from review_api.schemas import PublishedEntry
from workers.actors import wake_email

router = APIRouter(tags=["institution posts"])

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
                        "body": {"type": "string"},
                        "files": {"type": "array", "items": {"type": "string", "format": "binary"}},
                    },
                }
            }
        },
    }
}


@router.post(
    "/institution-posts",
    status_code=status.HTTP_201_CREATED,
    openapi_extra=UPLOAD_DOC,
    response_model=PublishedEntry,
)
async def publish(
    request: Request, staff: CurrentStaff, session: SessionDep, rt: RuntimeDep
) -> dict[str, Any]:
    upload = await receive_upload(
        request, rt.files, file_fields=frozenset({"files"}), max_bytes=rt.settings.max_request_bytes
    )
    try:
        entry, email_id = await run_in_threadpool(
            institution_posts.publish, session, rt.files, staff, upload
        )
    except BaseException:
        upload.discard()
        raise
    wake_email(email_id)
    return {
        "id": entry.id,
        "application_id": entry.application_id,
        "title": entry.title,
        "created_at": entry.created_at.isoformat(),
    }
