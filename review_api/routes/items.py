"""The review queue, claims, item detail, files and decisions."""

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Response, status
from fastapi.responses import FileResponse
from pydantic import BaseModel
from sqlalchemy import select

from familybook.audit import record
from moderation.errors import NotFound, invalid_fields
from moderation.statuses import Status
from review_api import claims, decisions
from review_api.deps import (
    NOT_CHECKED,
    CurrentStaff,
    RuntimeDep,
    SessionDep,
    institutions_in_scope,
    item_not_found,
    visible_item,
)
from review_api.items import item_view
from review_api.schemas import Claim, DecisionResult, QueueEntry, ReviewItem
from storage.models import Attempt, Institution, StoredFile, Submission, utcnow
from workers.actors import wake_email

router = APIRouter(tags=["review"])


class DecisionBody(BaseModel):
    decision: str
    reason_code: str | None = None
    advice: str | None = None


@router.get("/queue", response_model=list[QueueEntry])
def queue(
    session: SessionDep,
    staff: CurrentStaff,
    kind: str | None = None,
    institution: str | None = None,
) -> list[dict[str, Any]]:
    ids = institutions_in_scope(session, staff, institution)
    query = (
        select(Submission, Institution.code, Attempt.flags)
        .join(Institution, Institution.id == Submission.institution_id)
        .join(
            Attempt,
            (Attempt.submission_id == Submission.id) & (Attempt.number == Submission.attempt),
        )
        .where(
            Submission.institution_id.in_(ids),
            Submission.status.in_([Status.AWAITING_REVIEW, Status.IN_REVIEW]),
        )
        .order_by(Attempt.submitted_at)
    )
    if kind is not None:
        query = query.where(Submission.kind == kind)
    now = utcnow()
    return [
        {
            "id": s.id,
            "kind": s.kind,
            "institution": code,
            "status": s.status,
            "attempt": s.attempt,
            "submitted_at": s.submitted_at.isoformat(),
            "waiting_s": int((now - s.submitted_at).total_seconds()),
            "claimed_by": s.claimed_by,
            "flags": flags or [],
        }
        for s, code, flags in session.execute(query)
    ]


@router.post("/items/{item_id}/claim", response_model=Claim)
def claim(item_id: str, session: SessionDep, staff: CurrentStaff, rt: RuntimeDep) -> dict[str, Any]:
    submission = visible_item(session, staff, item_id)
    lease = timedelta(minutes=rt.settings.claim_lease_minutes)
    claims.claim(session, staff, submission, lease)
    session.commit()
    assert submission.lease_expires_at is not None
    return {
        "claimed_by": submission.claimed_by,
        "lease_expires_at": submission.lease_expires_at.isoformat(),
    }


@router.delete("/items/{item_id}/claim", status_code=status.HTTP_204_NO_CONTENT)
def release(item_id: str, session: SessionDep, staff: CurrentStaff) -> Response:
    claims.release(session, staff, visible_item(session, staff, item_id))
    session.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/items/{item_id}", response_model=ReviewItem)
def item(item_id: str, session: SessionDep, staff: CurrentStaff) -> dict[str, Any]:
    submission = visible_item(session, staff, item_id)
    record(session, staff.actor, "view_item", submission_id=submission.id)
    session.commit()
    return item_view(session, submission)


@router.get("/items/{item_id}/files/{file_id}", response_class=FileResponse)
def file(
    item_id: str,
    file_id: str,
    session: SessionDep,
    staff: CurrentStaff,
    rt: RuntimeDep,
    variant: Annotated[str, Query(pattern="^(sanitized|original|preview)$")] = "sanitized",
) -> FileResponse:
    submission = visible_item(session, staff, item_id)
    row = session.get(StoredFile, file_id)
    attempt = session.get(Attempt, row.attempt_id) if row else None
    if (
        row is None
        or attempt is None
        or attempt.submission_id != submission.id
        or Status(attempt.status) in NOT_CHECKED  # files the checks refused stay with the family
    ):
        raise item_not_found()
    key, media_type = {
        "original": (row.storage_key, row.detected_type or "application/octet-stream"),
        "sanitized": (row.sanitized_key, row.sanitized_type),
        "preview": (row.preview_key, "image/jpeg"),
    }[variant]
    if key is None:
        raise NotFound(
            code="variant_not_available",
            message="這個檔案沒有安全處理過的版本，請改看原始檔（會記錄在稽核紀錄）。",
            message_en="No such variant of this file; ask for variant=original.",
        )
    record(
        session,
        staff.actor,
        "view_file",
        submission_id=submission.id,
        file_id=row.id,
        variant=variant,
    )
    session.commit()
    # Never the family's own name in a header. The original is what the family sent, unchecked
    # by any re-encoding: a download of opaque bytes, never rendered in the reviewer's browser.
    original = variant == "original"
    return FileResponse(
        rt.files.path(key),
        media_type="application/octet-stream" if original else media_type,
        headers={
            "Content-Disposition": f'{"attachment" if original else "inline"}; filename="{row.id}"',
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "sandbox; default-src 'none'",
            "Cache-Control": "no-store",
        },
    )


@router.post("/items/{item_id}/decision", response_model=DecisionResult)
def decide(
    item_id: str,
    body: DecisionBody,
    session: SessionDep,
    staff: CurrentStaff,
    idempotency_key: Annotated[str | None, Header()] = None,
) -> dict[str, str]:
    if not idempotency_key or len(idempotency_key) > 200:
        raise invalid_fields(
            {
                "Idempotency-Key": (
                    "請附上 Idempotency-Key 標頭。",
                    "Send an Idempotency-Key header.",
                )
            }
        )
    submission = visible_item(session, staff, item_id)
    result = decisions.decide(
        session,
        staff,
        submission,
        decisions.DecisionIn(body.decision, body.reason_code, body.advice, idempotency_key),
    )
    for email_id in result.email_ids:
        wake_email(email_id)
    return {"status": result.status}
