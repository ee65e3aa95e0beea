"""An administrator's corrections: an inmate's restriction, a family's locked fields."""

from datetime import date
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from review_api.deps import CurrentAdmin, WorkDep
from usecases import corrections
from web.routing import ReadEndingRoute

router = APIRouter(route_class=ReadEndingRoute, tags=["families"])


class RestrictionBody(BaseModel):
    until: date = Field(description="限制至（含當日，臺灣日期）")
    reason: str = Field(description="例如「禁止接見通信」「隔離保護」")


class InmateRestriction(BaseModel):
    """An inmate's restriction as it now stands."""

    callsign: str
    restricted_until: str | None
    restriction_reason: str | None


class AccountCorrection(BaseModel):
    """Fields a family cannot change itself, corrected on its request; `note` says why."""

    name: str | None = None
    national_id: str | None = None
    birth_date: str | None = None
    email: str | None = None
    note: str = Field(description="更正的依據，例如家屬來電申請")


class CorrectedAccount(BaseModel):
    id: str
    name: str
    national_id: str
    birth_date: str
    email: str
    verified: bool = Field(description="更正信箱後需重新驗證")


def _restriction(inmate: Any) -> dict[str, Any]:
    until = inmate.restricted_until
    return {
        "callsign": inmate.callsign,
        "restricted_until": until.isoformat() if until else None,
        "restriction_reason": inmate.restriction_reason,
    }


@router.put("/inmates/{code}/{callsign}/restriction", response_model=InmateRestriction)
def set_restriction(
    code: str, callsign: str, body: RestrictionBody, admin: CurrentAdmin, work: WorkDep
) -> dict[str, Any]:
    inmate = corrections.set_restriction(work, admin, code, callsign, body.until, body.reason)
    return _restriction(inmate)


@router.delete("/inmates/{code}/{callsign}/restriction", response_model=InmateRestriction)
def lift_restriction(
    code: str, callsign: str, admin: CurrentAdmin, work: WorkDep
) -> dict[str, Any]:
    return _restriction(corrections.lift_restriction(work, admin, code, callsign))


@router.patch("/accounts/{account_id}", response_model=CorrectedAccount)
def correct_account(
    account_id: str, body: AccountCorrection, admin: CurrentAdmin, work: WorkDep
) -> dict[str, Any]:
    changes = body.model_dump(exclude={"note"}, exclude_none=True)
    account = corrections.correct_account(work, admin, account_id, changes, body.note)
    return {
        "id": account.id,
        "name": account.name,
        "national_id": account.national_id,
        "birth_date": account.birth_date.isoformat(),
        "email": account.email,
        "verified": account.verified_at is not None,
    }
