"""What applications and posts share: a new attempt with its files, and the 202 answer."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi.concurrency import run_in_threadpool
from sqlalchemy.orm import Session
from starlette.requests import Request

from familybook.runtime import Runtime
from ingest.uploads import Upload, receive_upload
from moderation.statuses import Status
from storage.models import Attempt, StoredFile
from workers.actors import wake_check


@dataclass(frozen=True)
class Accepted:
    submission_id: str
    attempt_id: str
    attempt: int
    status: str


def add_attempt(
    session: Session,
    submission_id: str,
    number: int,
    upload: Upload,
    *,
    title: str | None = None,
    body: str | None = None,
) -> Attempt:
    attempt = Attempt(
        submission_id=submission_id,
        number=number,
        status=Status.RECEIVED,
        title=title,
        body=body,
    )
    session.add(attempt)
    session.flush()
    for f in upload.files:
        session.add(
            StoredFile(
                attempt_id=attempt.id,
                category=f.field,
                original_name=f.original_name,
                declared_type=f.declared_type,
                size=f.blob.size,
                sha256=f.blob.sha256,
                storage_key=f.blob.key,
            )
        )
    return attempt


async def accept_upload(
    request: Request,
    rt: Runtime,
    *,
    file_fields: frozenset[str],
    handle: Callable[[Upload], Accepted],
) -> dict[str, Any]:
    """Stream the upload into the file store, let `handle` commit it (in a worker thread: it
    talks to the database), then wake the checks. Whatever `handle` refuses leaves no file."""
    upload = await receive_upload(
        request, rt.files, file_fields=file_fields, max_bytes=rt.settings.max_request_bytes
    )
    try:
        result = await run_in_threadpool(handle, upload)
    except BaseException:
        upload.discard()
        raise
    wake_check(result.attempt_id)
    return {"id": result.submission_id, "status": result.status, "attempt": result.attempt}
