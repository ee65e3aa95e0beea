"""A family's strikes (rejected posts that count) and their one appeal each."""

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel
from sqlalchemy import select

from ingest.deps import CurrentFamily, SessionDep
from ingest.schemas import StrikeRecord
from moderation.errors import NotFound
from moderation.policy import Policy
from moderation.strikes import APPEAL_MAX_CHARS, ensure_appealable
from moderation.text import clean_text
from storage.models import Institution, Strike, Submission, utcnow

router = APIRouter(tags=["strikes"])


class AppealIn(BaseModel):
    text: str


def _view(s: Strike) -> dict[str, Any]:
    return {
        "id": s.id,
        "post_id": s.submission_id,
        "reason_code": s.reason_code,
        "created_at": s.created_at.isoformat(),
        "counts": s.suspension_id is None and s.appeal_outcome != "overruled",
        "appeal_text": s.appeal_text,
        "appealed_at": s.appealed_at.isoformat() if s.appealed_at else None,
        "appeal_outcome": s.appeal_outcome,
    }


@router.get("/strikes", response_model=list[StrikeRecord])
def list_strikes(account: CurrentFamily, session: SessionDep) -> list[dict[str, Any]]:
    rows = session.scalars(
        select(Strike).where(Strike.account_id == account.id).order_by(Strike.created_at)
    )
    return [_view(s) for s in rows]


@router.post("/strikes/{strike_id}/appeal", response_model=StrikeRecord)
def appeal(
    strike_id: str, body: AppealIn, account: CurrentFamily, session: SessionDep
) -> dict[str, Any]:
    strike = session.scalar(select(Strike).where(Strike.id == strike_id).with_for_update())
    if strike is None or strike.account_id != account.id:
        raise NotFound(code="not_found", message="找不到這筆紀錄。", message_en="Not found.")
    submission = session.get(Submission, strike.submission_id)
    assert submission is not None
    institution = session.get(Institution, submission.institution_id)
    assert institution is not None
    now = utcnow()
    ensure_appealable(
        appealed_at=strike.appealed_at,
        created_at=strike.created_at,
        now=now,
        policy=Policy.from_json(institution.policy),
    )
    strike.appeal_text = clean_text(body.text, field="text", max_chars=APPEAL_MAX_CHARS)
    strike.appealed_at = now
    session.commit()
    return _view(strike)
