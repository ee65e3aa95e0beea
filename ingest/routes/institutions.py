"""Institutions with their public policy, and the masked inmate lookup."""

from typing import Any

from fastapi import APIRouter
from sqlalchemy import select

from ingest.deps import SessionDep, VerifiedFamily
from ingest.schemas import InmateMasked, InstitutionPublic
from moderation.inmates import ensure_callsign_format, mask_name
from moderation.policy import Policy
from storage.models import Institution
from storage.queries import find_inmate
from web.routing import ReadEndingRoute

router = APIRouter(route_class=ReadEndingRoute, tags=["institutions"])


@router.get("/institutions", response_model=list[InstitutionPublic])
def institutions(session: SessionDep) -> list[dict[str, Any]]:
    rows = session.scalars(select(Institution).order_by(Institution.code))
    return [
        {
            "code": i.code,
            "name": i.name,
            "policy": Policy.from_json(i.policy).public(),
            "contacts": i.contacts or [],
        }
        for i in rows
    ]


@router.get("/institutions/{code}/inmates/{callsign}", response_model=InmateMasked)
def inmate(code: str, callsign: str, session: SessionDep, _: VerifiedFamily) -> dict[str, str]:
    # Only verified families may look up inmates: the roster is not for browsing.
    _, found = find_inmate(session, code, ensure_callsign_format(callsign))
    return {"callsign": found.callsign, "masked_name": mask_name(found.name)}
