"""The audit log for administrators (GET /audit): who opened this family's ID card, who
decided, who changed a staff account. Their own institutions' entries only, newest first."""

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from moderation.audit import AuditAction
from review_api.deps import CurrentAdmin, SessionDep
from storage.models import AuditEntry, Institution, Staff
from storage.paging import Keyset, cut
from web.paging import PageDep, link_next
from web.query_dates import MOMENT_PATTERN, parse_moment
from web.routing import ReadEndingRoute
from web.submission_views import iso

router = APIRouter(route_class=ReadEndingRoute, tags=["audit"])

#: The audit list's ordering (newest first, by entry number), named in its cursors.
AUDIT_ORDER = "audit-newest"
STAFF_ACTOR = "staff:"


class AuditRow(BaseModel):
    """One audit entry."""

    id: int
    at: str
    actor: str = Field(description="staff:<id>、operator:<login> 或 system")
    actor_name: str | None = Field(description="工作人員姓名（若是工作人員）")
    action: AuditAction
    item_id: str | None
    file_id: str | None
    account_id: str | None
    institution: str | None = Field(description="機關代碼")
    detail: dict[str, Any]


def _names(session: Session, entries: list[AuditEntry]) -> dict[str, str]:
    ids = {e.actor.removeprefix(STAFF_ACTOR) for e in entries if e.actor.startswith(STAFF_ACTOR)}
    rows = session.execute(select(Staff.id, Staff.name).where(Staff.id.in_(ids)))
    return {f"{STAFF_ACTOR}{i}": name for i, name in rows}


@router.get("/audit", response_model=list[AuditRow])
def audit(
    request: Request,
    response: Response,
    session: SessionDep,
    admin: CurrentAdmin,
    page: PageDep,
    item_id: Annotated[str | None, Query(max_length=36)] = None,
    account_id: Annotated[str | None, Query(max_length=36)] = None,
    staff_id: Annotated[str | None, Query(max_length=36, description="做這件事的工作人員")] = None,
    action: AuditAction | None = None,
    from_: Annotated[
        str | None, Query(alias="from", pattern=MOMENT_PATTERN, description="起（含）")
    ] = None,
    to: Annotated[
        str | None, Query(pattern=MOMENT_PATTERN, description="迄（不含）；無時區者為臺灣時間")
    ] = None,
) -> list[dict[str, Any]]:
    """Audit entries of the administrator's institutions, newest first (paged)."""
    query = select(AuditEntry).where(AuditEntry.institution_id.in_(admin.institution_ids))
    filters = {
        AuditEntry.submission_id: item_id,
        AuditEntry.account_id: account_id,
        AuditEntry.actor: f"{STAFF_ACTOR}{staff_id}" if staff_id else None,
        AuditEntry.action: action.value if action else None,
    }
    for column, value in filters.items():
        if value is not None:
            query = query.where(column == value)
    if (start := parse_moment(from_, "from")) is not None:
        query = query.where(AuditEntry.at >= start)
    if (end := parse_moment(to, "to")) is not None:
        query = query.where(AuditEntry.at < end)
    after = page.after(AUDIT_ORDER, int)
    if after is not None:
        query = query.where(AuditEntry.id < after.key)
    rows = session.scalars(query.order_by(AuditEntry.id.desc()).limit(page.limit + 1)).all()
    cut_page = cut(rows, page.limit, lambda e: Keyset(e.id, str(e.id)))
    link_next(request, response, AUDIT_ORDER, cut_page)
    names = _names(session, cut_page.rows)
    codes = dict(session.execute(select(Institution.id, Institution.code)).all())
    return [
        {
            "id": e.id,
            "at": iso(e.at),
            "actor": e.actor,
            "actor_name": names.get(e.actor),
            "action": e.action,
            "item_id": e.submission_id,
            "file_id": e.file_id,
            "account_id": e.account_id,
            "institution": codes.get(e.institution_id),
            "detail": e.detail or {},
        }
        for e in cut_page.rows
    ]
