"""Administrators' actions on a family: lift a suspension, decide an appeal against a strike."""

from typing import Any

from fastapi import APIRouter, Response, status
from pydantic import BaseModel
from sqlalchemy import select

from moderation.strikes import AppealVerdict
from review_api.deps import CurrentAdmin, SessionDep, WorkDep
from review_api.schemas import AppealDecided, OpenAppeal
from storage.models import Strike, Submission
from usecases import strikes, suspensions

router = APIRouter(tags=["families"])


class AppealDecision(BaseModel):
    outcome: AppealVerdict


@router.delete("/accounts/{account_id}/suspension", status_code=status.HTTP_204_NO_CONTENT)
def lift_suspension(account_id: str, admin: CurrentAdmin, work: WorkDep) -> Response:
    suspensions.lift_suspension(work, admin, account_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/appeals", response_model=list[OpenAppeal])
def appeals(session: SessionDep, admin: CurrentAdmin) -> list[dict[str, Any]]:
    rows = session.scalars(
        select(Strike)
        .join(Submission, Submission.id == Strike.submission_id)
        .where(
            Strike.appealed_at.is_not(None),
            Strike.appeal_outcome.is_(None),
            Submission.institution_id.in_(admin.institution_ids),
        )
        .order_by(Strike.appealed_at)
    ).all()
    return [
        {
            "strike_id": s.id,
            "account_id": s.account_id,
            "post_id": s.submission_id,
            "reason_code": s.reason_code,
            "appeal_text": s.appeal_text,
            "appealed_at": s.appealed_at.isoformat() if s.appealed_at else None,
        }
        for s in rows
    ]


@router.post("/strikes/{strike_id}/appeal-decision", response_model=AppealDecided)
def decide_appeal(
    strike_id: str, body: AppealDecision, admin: CurrentAdmin, work: WorkDep
) -> dict[str, Any]:
    decided = strikes.decide_appeal(work, admin, strike_id, body.outcome)
    return {
        "strike_id": decided.strike_id,
        "outcome": decided.outcome,
        "strike_count": decided.strike_count,
    }
