"""Administrators' actions on a family: lift a suspension, decide an appeal against a strike."""

from typing import Any

from fastapi import APIRouter, Response, status
from pydantic import BaseModel
from sqlalchemy import select

from familybook.audit import record
from moderation.errors import Conflict, NotFound
from moderation.strikes import OVERRULE, parse_outcome
from review_api import strikes
from review_api.deps import CurrentAdmin, SessionDep, StaffMember
from review_api.schemas import AppealDecided, OpenAppeal
from storage.models import Strike, Submission, utcnow
from storage.strike_counts import active_strikes

router = APIRouter(tags=["families"])


class AppealDecision(BaseModel):
    outcome: str


def _ensure_serves_family(session: SessionDep, staff: StaffMember, account_id: str) -> None:
    # A family none of the administrator's institutions serves is not visible to them: 404.
    # Which of its suspensions they may lift is decided apart (403 for another's).
    serves = session.scalar(
        select(Submission.id)
        .where(
            Submission.account_id == account_id,
            Submission.institution_id.in_(staff.institution_ids),
        )
        .limit(1)
    )
    if serves is None:
        raise NotFound(code="not_found", message="找不到這個帳號。", message_en="No such account.")


@router.delete("/accounts/{account_id}/suspension", status_code=status.HTTP_204_NO_CONTENT)
def lift_suspension(account_id: str, session: SessionDep, admin: CurrentAdmin) -> Response:
    _ensure_serves_family(session, admin, account_id)
    lifted = strikes.lift_early(
        session, account_id, institution_ids=admin.institution_ids, by=admin.actor, now=utcnow()
    )
    record(session, admin.actor, "lift_suspension", account_id=account_id, lifted=lifted)
    session.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/appeals", response_model=list[OpenAppeal])
def appeals(session: SessionDep, admin: CurrentAdmin) -> list[dict[str, Any]]:
    rows = session.execute(
        select(Strike, Submission.institution_id)
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
        for s, _ in rows
    ]


@router.post("/strikes/{strike_id}/appeal-decision", response_model=AppealDecided)
def decide_appeal(
    strike_id: str, body: AppealDecision, session: SessionDep, admin: CurrentAdmin
) -> dict[str, Any]:
    outcome = parse_outcome(body.outcome)
    strike = session.get(Strike, strike_id)
    submission = session.get(Submission, strike.submission_id) if strike else None
    if (
        strike is None
        or submission is None
        or submission.institution_id not in admin.institution_ids
    ):
        raise NotFound(code="not_found", message="找不到這筆紀錄。", message_en="No such strike.")
    strikes.lock_account(session, strike.account_id)
    if strike.appealed_at is None or strike.appeal_outcome is not None:
        raise Conflict(
            code="no_open_appeal",
            message="這筆紀錄沒有待處理的申訴。",
            message_en="This strike has no open appeal.",
        )
    now = utcnow()
    strike.appeal_outcome, strike.appeal_decided_by, strike.appeal_decided_at = (
        outcome,
        admin.id,
        now,
    )
    if outcome == OVERRULE:
        strikes.overrule(session, strike, by=admin.actor, now=now)
    record(
        session,
        admin.actor,
        "appeal_decision",
        submission_id=strike.submission_id,
        strike_id=strike.id,
        outcome=outcome,
    )
    session.commit()
    return {
        "strike_id": strike.id,
        "outcome": outcome,
        "strike_count": active_strikes(session, strike.account_id),
    }
