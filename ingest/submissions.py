"""What applications and posts share: a new attempt with its files, and the 202 answer."""

from dataclasses import dataclass

from sqlalchemy.orm import Session

from ingest.uploads import Upload
from moderation.statuses import Status
from storage.models import Attempt, StoredFile


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
