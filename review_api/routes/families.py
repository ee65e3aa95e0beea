"""Administrators' actions on a family: lift a suspension, decide an appeal against a strike."""

from typing import Any

from fastapi import APIRouter, Request, Response, status
from pydantic import BaseModel
from sqlalchemy import select

from moderation.strikes import AppealVerdict
from review_api.deps import CurrentAdmin, SessionDep, WorkDep
from review_api.schemas import AppealDecided, OpenAppeal
from storage.models import Account, Attempt, Decision, Strike, Submission
from storage.paging import Keyset, cut, keyset_query
from usecases import strikes, suspensions
from web.paging import PageDep, link_next
from web.routing import ReadEndingRoute

router = APIRouter(route_class=ReadEndingRoute, tags=["families"])


class AppealDecision(BaseModel):
    outcome: AppealVerdict


@router.delete("/accounts/{account_id}/suspension", status_code=status.HTTP_204_NO_CONTENT)
def lift_suspension(account_id: str, admin: CurrentAdmin, work: WorkDep) -> Response:
    suspensions.lift_suspension(work, admin, account_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


#: The appeals list's ordering, named in its cursors.
APPEALS_ORDER = "appeals"


@router.get("/appeals", response_model=list[OpenAppeal])
def appeals(
    request: Request, response: Response, session: SessionDep, admin: CurrentAdmin, page: PageDep
) -> list[dict[str, Any]]:
    """Open appeals, oldest first, with what was rejected and who appeals (paged)."""
    query = (
        select(Strike, Attempt.title, Attempt.body, Account.name)
        .join(Submission, Submission.id == Strike.submission_id)
        .join(Decision, Decision.id == Strike.decision_id)
        .join(Attempt, Attempt.id == Decision.attempt_id)
        .join(Account, Account.id == Strike.account_id)
        .where(
            Strike.appealed_at.is_not(None),
            Strike.appeal_outcome.is_(None),
            Strike.withdrawn_at.is_(None),  # its rejection was reversed: nothing to decide
            Submission.institution_id.in_(admin.institution_ids),
        )
    )
    rows = session.execute(
        keyset_query(
            query,
            Strike.appealed_at,
            Strike.id,
            after=page.after(APPEALS_ORDER),
            limit=page.limit,
        )
    ).all()
    cut_page = cut(rows, page.limit, lambda r: Keyset(r[0].appealed_at, r[0].id))
    link_next(request, response, APPEALS_ORDER, cut_page)
    return [
        {
            "strike_id": s.id,
            "account_id": s.account_id,
            "family_name": family_name,
            "post_id": s.submission_id,
            "title": title,
            "body": body,
            "reason_code": s.reason_code,
            "appeal_text": s.appeal_text,
            "appealed_at": s.appealed_at.isoformat() if s.appealed_at else None,
        }
        for s, title, body, family_name in cut_page.rows
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
