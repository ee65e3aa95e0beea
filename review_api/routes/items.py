"""The review queue, claims, item detail, files and decisions."""

from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Response, status
from fastapi.responses import StreamingResponse
from pydantic import BaseModel

from moderation.triage import stale_before
from moderation.verdicts import Verdict
from review_api.deps import CurrentStaff, WorkDep
from review_api.item_schemas import ReviewItem
from review_api.item_view import item_view
from review_api.schemas import Claim, DecisionResult
from storage.models import utcnow
from usecases.review import claims, decisions, viewing
from usecases.review.viewing import FileVariant
from web.routing import ReadEndingRoute

router = APIRouter(route_class=ReadEndingRoute, tags=["review"])

#: The longest Idempotency-Key kept (a client's UUID or a short counter fits many times).
MAX_IDEMPOTENCY_KEY = 200


class DecisionBody(BaseModel):
    decision: Verdict
    reason_code: str | None = None
    advice: str | None = None


@router.post("/items/{item_id}/claim", response_model=Claim)
def claim(item_id: str, staff: CurrentStaff, work: WorkDep) -> dict[str, Any]:
    holder, until = claims.claim(work, staff, item_id)
    return {"claimed_by": holder, "lease_expires_at": until.isoformat()}


@router.delete("/items/{item_id}/claim", status_code=status.HTTP_204_NO_CONTENT)
def release(item_id: str, staff: CurrentStaff, work: WorkDep) -> Response:
    claims.release(work, staff, item_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/items/{item_id}", response_model=ReviewItem)
def item(item_id: str, staff: CurrentStaff, work: WorkDep) -> dict[str, Any]:
    submission = viewing.open_item(work, staff, item_id)
    stale = stale_before(utcnow(), work.rt.settings.ocr_claim_stale_after_s)
    return item_view(work.session, submission, stale_before=stale)  # read ended: web.routing


@router.get("/items/{item_id}/files/{file_id}", response_class=StreamingResponse)
def file(
    item_id: str,
    file_id: str,
    staff: CurrentStaff,
    work: WorkDep,
    variant: Annotated[FileVariant, Query()] = FileVariant.SANITIZED,
) -> StreamingResponse:
    served = viewing.open_file(work, staff, item_id, file_id, variant)
    # Never the family's own name in a header. The original is what the family sent, unchecked
    # by any re-encoding: a download of opaque bytes, never rendered in the reviewer's browser.
    original = variant == FileVariant.ORIGINAL
    disposition = "attachment" if original else "inline"
    return StreamingResponse(
        work.rt.files.chunks(served.storage_key),
        media_type="application/octet-stream" if original else served.media_type,
        headers={
            "Content-Disposition": f'{disposition}; filename="{served.file_id}"',
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "sandbox; default-src 'none'",
            "Cache-Control": "no-store",
        },
    )


@router.post("/items/{item_id}/decision", response_model=DecisionResult)
def decide(
    item_id: str,
    body: DecisionBody,
    staff: CurrentStaff,
    work: WorkDep,
    idempotency_key: Annotated[
        str,
        Header(
            alias="Idempotency-Key",
            min_length=1,
            max_length=MAX_IDEMPOTENCY_KEY,
            description="重送時帶同一個值：只決定一次 a retry answers the first result",
        ),
    ],
) -> dict[str, str]:
    request = decisions.DecisionIn(body.decision, body.reason_code, body.advice, idempotency_key)
    return {"status": decisions.decide(work, staff, item_id, request)}
