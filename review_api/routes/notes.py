"""Staff notes on an item, and reopening a decided item (administrators)."""

from typing import Any

from fastapi import APIRouter, status
from pydantic import BaseModel

from review_api.deps import CurrentAdmin, CurrentStaff, WorkDep
from review_api.item_case import staff_ref
from review_api.item_schemas import Note
from review_api.schemas import DecisionResult
from usecases.review import notes, reopen
from web.routing import ReadEndingRoute
from web.submission_views import iso

router = APIRouter(route_class=ReadEndingRoute, tags=["review"])


class NoteIn(BaseModel):
    text: str


class ReopenIn(BaseModel):
    reason: str


@router.post("/items/{item_id}/notes", response_model=Note, status_code=status.HTTP_201_CREATED)
def add_note(item_id: str, body: NoteIn, staff: CurrentStaff, work: WorkDep) -> dict[str, Any]:
    """A note for other staff about this item; never shown to the family."""
    note = notes.add_note(work, staff, item_id, body.text)
    return {
        "id": note.id,
        "at": iso(note.created_at),
        "text": note.text,
        "by": staff_ref(work.session, note.staff_id),
    }


@router.post("/items/{item_id}/reopen", response_model=DecisionResult)
def reopen_item(item_id: str, body: ReopenIn, admin: CurrentAdmin, work: WorkDep) -> dict[str, str]:
    """Send a decided item back to the queue (its decision reversed, a rejection's strike
    withdrawn); 409 `not_reopenable` for an item that is not approved or rejected."""
    return {"status": reopen.reopen(work, admin, item_id, body.reason)}
