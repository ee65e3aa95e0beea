"""What applications and posts share: a new attempt with its files, and the 202 answer."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi.concurrency import run_in_threadpool
from sqlalchemy.orm import Session
from starlette.requests import Request

from familybook.runtime import Runtime
from ingest.uploads import LimitsFor, Upload, UploadLimits, receive_upload
from moderation.policy import Policy
from moderation.statuses import Status
from storage.models import Attempt, Institution, StoredFile
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


def limits_from(
    rt: Runtime, find: Callable[[Session, dict[str, str]], UploadLimits | None]
) -> LimitsFor:
    """Look the limits up in a short session of their own, while the upload streams."""

    def limits_for(fields: dict[str, str]) -> UploadLimits | None:
        with rt.db.session() as session:
            return find(session, fields)

    return limits_for


def policy_of(session: Session, institution_id: str) -> Policy:
    institution = session.get(Institution, institution_id)
    assert institution is not None
    return Policy.from_json(institution.policy)


async def accept_upload(
    request: Request,
    rt: Runtime,
    *,
    file_fields: frozenset[str],
    handle: Callable[[Session, Upload], Accepted],
    limits_for: LimitsFor | None = None,
) -> dict[str, Any]:
    """Stream the upload into the file store, let `handle` commit it in a session of its own,
    then wake the checks. No database session is open while the bytes arrive (SQLite's write
    lock and PostgreSQL's connections are not held for a slow upload). Whatever `handle`
    refuses leaves no file."""
    upload = await receive_upload(
        request,
        rt.files,
        file_fields=file_fields,
        max_bytes=rt.settings.max_request_bytes,
        limits_for=limits_for,
    )

    def commit() -> Accepted:
        with rt.db.session() as session:
            return handle(session, upload)

    try:
        result = await run_in_threadpool(commit)
    except BaseException:
        upload.discard()
        raise
    # A synchronous Redis call: off the event loop, in case the broker is slow or gone.
    await run_in_threadpool(wake_check, result.attempt_id)
    return {"id": result.submission_id, "status": result.status, "attempt": result.attempt}
