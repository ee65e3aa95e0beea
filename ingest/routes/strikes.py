"""A family's strikes (rejected posts that count) and their one appeal each."""

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel
from sqlalchemy import select

from ingest.deps import CurrentFamily, SessionDep, WorkDep
from ingest.schemas import StrikeRecord
from moderation.strikes import AppealOutcome
from storage.models import Strike
from usecases import strikes
from web.routing import ReadEndingRoute

router = APIRouter(route_class=ReadEndingRoute, tags=["strikes"])


class AppealIn(BaseModel):
    text: str


def _view(s: Strike) -> dict[str, Any]:
    return {
        "id": s.id,
        "post_id": s.submission_id,
        "reason_code": s.reason_code,
        "created_at": s.created_at.isoformat(),
        "counts": s.suspension_id is None and s.appeal_outcome != AppealOutcome.OVERRULED,
        "appeal_text": s.appeal_text,
        "appealed_at": s.appealed_at.isoformat() if s.appealed_at else None,
        "appeal_outcome": s.appeal_outcome,
    }


@router.get("/strikes", response_model=list[StrikeRecord])
def list_strikes(account: CurrentFamily, session: SessionDep) -> list[dict[str, Any]]:
    rows = session.scalars(
        # A withdrawn strike's rejection was reversed: it is as if it had never been.
        select(Strike)
        .where(Strike.account_id == account.id, Strike.withdrawn_at.is_(None))
        .order_by(Strike.created_at)
    )
    return [_view(s) for s in rows]


@router.post("/strikes/{strike_id}/appeal", response_model=StrikeRecord)
def appeal(strike_id: str, body: AppealIn, account: CurrentFamily, work: WorkDep) -> dict[str, Any]:
    return _view(strikes.appeal(work, account.id, strike_id, body.text))
