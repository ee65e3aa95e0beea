"""Administrators manage their institutions' staff: list, add, rotate a token, disable."""

from typing import Any

from fastapi import APIRouter, Request, Response, status
from sqlalchemy import select
from sqlalchemy.orm import Session

from moderation.staff import StaffMember
from review_api.deps import CurrentAdmin, SessionDep, WorkDep
from review_api.staff_schemas import RotatedToken, StaffIn, StaffRow, StaffWithToken
from storage.models import Institution, Staff, StaffInstitution
from storage.paging import Keyset, cut, keyset_query
from usecases.review import staffing
from web.paging import PageDep, link_next
from web.routing import ReadEndingRoute
from web.submission_views import iso

router = APIRouter(route_class=ReadEndingRoute, tags=["staff"])

#: The staff list's ordering, named in its cursors.
STAFF_ORDER = "staff-by-email"


def _codes(session: Session, staff_ids: list[str], visible: frozenset[str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {i: [] for i in staff_ids}
    rows = session.execute(
        select(StaffInstitution.staff_id, Institution.code)
        .join(Institution, Institution.id == StaffInstitution.institution_id)
        .where(StaffInstitution.staff_id.in_(staff_ids), Institution.id.in_(visible))
        .order_by(Institution.code)
    )
    for staff_id, code in rows:
        out[staff_id].append(code)
    return out


def _row(s: Staff, codes: list[str]) -> dict[str, Any]:
    return {
        "id": s.id,
        "email": s.email,
        "name": s.name,
        "role": s.role,
        "institutions": codes,
        "created_at": iso(s.created_at),
        "token_issued_at": iso(s.token_issued_at),
        "token_expires_at": iso(s.token_expires_at),
        "disabled_at": iso(s.disabled_at),
    }


def _one(session: Session, admin: StaffMember, s: Staff) -> dict[str, Any]:
    return _row(s, _codes(session, [s.id], admin.institution_ids)[s.id])


@router.get("/staff", response_model=list[StaffRow])
def staff_list(
    request: Request, response: Response, session: SessionDep, admin: CurrentAdmin, page: PageDep
) -> list[dict[str, Any]]:
    """Staff serving any of the administrator's institutions, by email (paged)."""
    mine = select(StaffInstitution.staff_id).where(
        StaffInstitution.institution_id.in_(admin.institution_ids)
    )
    query = select(Staff).where(Staff.id.in_(mine))
    rows = session.scalars(
        keyset_query(
            query, Staff.email, Staff.id, after=page.after(STAFF_ORDER, str), limit=page.limit
        )
    ).all()
    cut_page = cut(rows, page.limit, lambda s: Keyset(s.email, s.id))
    link_next(request, response, STAFF_ORDER, cut_page)
    codes = _codes(session, [s.id for s in cut_page.rows], admin.institution_ids)
    return [_row(s, codes[s.id]) for s in cut_page.rows]


@router.post("/staff", status_code=status.HTTP_201_CREATED, response_model=StaffWithToken)
def add_staff(body: StaffIn, admin: CurrentAdmin, work: WorkDep) -> dict[str, Any]:
    """A new staff member of the administrator's institutions; the token is shown once."""
    issued = staffing.add(
        work, admin, email=body.email, name=body.name, role=body.role, codes=body.institutions
    )
    return {**_one(work.session, admin, issued.staff), "token": issued.token}


@router.post("/staff/{staff_id}/token", response_model=RotatedToken)
def rotate_token(staff_id: str, admin: CurrentAdmin, work: WorkDep) -> dict[str, Any]:
    """A new token for the staff member; the old one stops at once."""
    issued = staffing.rotate(work, admin, staff_id)
    return {
        "id": issued.staff.id,
        "token": issued.token,
        "token_expires_at": iso(issued.staff.token_expires_at),
    }


@router.delete("/staff/{staff_id}", status_code=status.HTTP_204_NO_CONTENT)
def disable_staff(staff_id: str, admin: CurrentAdmin, work: WorkDep) -> Response:
    """Disable the staff member: their token stops at once."""
    staffing.disable(work, admin, staff_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
