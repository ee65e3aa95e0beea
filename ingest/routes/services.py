"""The family withdraws an application or ends its service (API.md 1.1)."""

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from ingest.deps import CurrentFamily, WorkDep
from moderation.services import EndReason
from moderation.statuses import Status
from usecases import services
from web.routing import ReadEndingRoute

router = APIRouter(route_class=ReadEndingRoute, tags=["applications"])


class Withdrawn(BaseModel):
    """The application withdrawn (`withdrawn`) or the approved service ended (`ended`)."""

    id: str
    status: Status = Field(description="withdrawn 已撤回 或 ended 已終止")
    end_reason: EndReason


@router.post("/applications/{application_id}/withdraw", response_model=Withdrawn)
def withdraw(application_id: str, account: CurrentFamily, work: WorkDep) -> dict[str, Any]:
    stopped = services.withdraw(work, account.id, application_id)
    return {"id": stopped.id, "status": stopped.status, "end_reason": stopped.end_reason}
