"""POST /institution-posts: staff publish an entry to a family's book."""

from typing import Annotated, Any

from fastapi import APIRouter, Header, Request, status
from fastapi.concurrency import run_in_threadpool

from review_api.deps import CurrentStaff, RuntimeDep
from review_api.schemas import PublishedEntry
from usecases import institution_posts
from web.routing import ReadEndingRoute
from web.uploads import receive_upload

#: The longest Idempotency-Key kept (as for decisions).
MAX_IDEMPOTENCY_KEY = 200

router = APIRouter(route_class=ReadEndingRoute, tags=["institution posts"])

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
    request: Request,
    staff: CurrentStaff,
    rt: RuntimeDep,
    idempotency_key: Annotated[
        str | None,
        Header(
            alias="Idempotency-Key",
            min_length=1,
            max_length=MAX_IDEMPOTENCY_KEY,
            description="重送時帶同一個值：只會發佈一次、寄一封信 a retry publishes once",
        ),
    ] = None,
) -> dict[str, Any]:
    upload = await receive_upload(
        request,
        rt.files,
        file_fields=frozenset({institution_posts.FILES_FIELD}),
        max_bytes=rt.settings.max_request_bytes,
    )
    try:
        published = await run_in_threadpool(
            institution_posts.publish, rt, staff, upload, idempotency_key
        )
    except BaseException:
        upload.discard()
        raise
    if published.replayed:
        upload.discard()  # the first request's files are the entry's
    entry = published.entry
    return {
        "id": entry.id,
        "application_id": entry.application_id,
        "title": entry.title,
        "created_at": entry.created_at.isoformat(),
    }
