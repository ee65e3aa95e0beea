"""POST /institution-posts: staff publish an entry to a family's book."""

from typing import Any

from fastapi import APIRouter, Request, status
from fastapi.concurrency import run_in_threadpool

from review_api.deps import RuntimeDep, UploadingStaff
from review_api.schemas import PublishedEntry
from usecases import institution_posts
from web.uploads import receive_upload

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
async def publish(request: Request, staff: UploadingStaff, rt: RuntimeDep) -> dict[str, Any]:
    upload = await receive_upload(
        request,
        rt.files,
        file_fields=frozenset({institution_posts.FILES_FIELD}),
        max_bytes=rt.settings.max_request_bytes,
    )
    try:
        entry = await run_in_threadpool(institution_posts.publish, rt, staff, upload)
    except BaseException:
        upload.discard()
        raise
    return {
        "id": entry.id,
        "application_id": entry.application_id,
        "title": entry.title,
        "created_at": entry.created_at.isoformat(),
    }
