"""Suspensions an administrator confirms or dismisses (policy `suspension_mode: proposed`)."""

from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field
from sqlalchemy import func, select

from moderation.strikes import SuspensionState
from review_api.deps import CurrentAdmin, SessionDep, WorkDep
from storage.models import Account, Institution, Strike, Suspension
from storage.paging import Keyset, cut, keyset_query
from usecases import suspensions
from web.paging import PageDep, link_next
from web.routing import ReadEndingRoute
from web.submission_views import iso

router = APIRouter(route_class=ReadEndingRoute, tags=["families"])


class SuspensionOut(BaseModel):
    """A suspension of a family's posting to one institution."""

    id: str
    account_id: str
    family_name: str
    institution: str = Field(description="機關代碼")
    state: SuspensionState
    strikes: int = Field(description="造成這次暫停的退件次數")
    starts_at: str
    until: str = Field(description="暫停至（proposed 為若現在確認的預估）")
    decided_by: str | None
    decided_at: str | None
    lifted_at: str | None = Field(
        default=None, description="提前解除的時間（未解除為 null）: an active one lifted early"
    )


def _view(session: Any, suspension: Suspension) -> dict[str, Any]:
    account = session.get(Account, suspension.account_id)
    institution = session.get(Institution, suspension.institution_id)
    strikes = session.scalar(
        select(func.count()).select_from(Strike).where(Strike.suspension_id == suspension.id)
    )
    return {
        "id": suspension.id,
        "account_id": suspension.account_id,
        "family_name": account.name if account else "",
        "institution": institution.code if institution else "",
        "state": suspension.state,
        "strikes": strikes or 0,
        "starts_at": iso(suspension.starts_at),
        "until": iso(suspension.until),
        "decided_by": suspension.decided_by,
        "decided_at": iso(suspension.decided_at),
        "lifted_at": iso(suspension.lifted_at),
    }


@router.get("/suspensions", response_model=list[SuspensionOut])
def list_suspensions(
    request: Request,
    response: Response,
    session: SessionDep,
    admin: CurrentAdmin,
    page: PageDep,
    state: SuspensionState = SuspensionState.PROPOSED,
) -> list[dict[str, Any]]:
    """Suspensions of the administrator's institutions in `state`, oldest first (paged)."""
    query = select(Suspension).where(
        Suspension.institution_id.in_(admin.institution_ids), Suspension.state == state
    )
    ordering = f"suspensions.{state.value}"
    rows = session.scalars(
        keyset_query(
            query, Suspension.starts_at, Suspension.id, after=page.after(ordering), limit=page.limit
        )
    ).all()
    found = cut(rows, page.limit, lambda s: Keyset(s.starts_at, s.id))
    link_next(request, response, ordering, found)
    return [_view(session, s) for s in found.rows]


@router.post("/suspensions/{suspension_id}/confirm", response_model=SuspensionOut)
def confirm(suspension_id: str, admin: CurrentAdmin, work: WorkDep) -> dict[str, Any]:
    suspension = suspensions.confirm(work, admin, suspension_id)
    return _view(work.session, suspension)


@router.post("/suspensions/{suspension_id}/dismiss", response_model=SuspensionOut)
def dismiss(suspension_id: str, admin: CurrentAdmin, work: WorkDep) -> dict[str, Any]:
    suspension = suspensions.dismiss(work, admin, suspension_id)
    return _view(work.session, suspension)
