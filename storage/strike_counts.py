"""Which strikes count: read by the family's profile and by the reviewers alike."""

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from moderation.strikes import AppealOutcome
from storage.models import Strike


def counting(account_id: str) -> tuple[ColumnElement[bool], ...]:
    """Strikes that count towards the next suspension: not yet used by one, not overruled,
    not withdrawn (their rejection reversed on reopen)."""
    return (
        Strike.account_id == account_id,
        Strike.suspension_id.is_(None),
        Strike.withdrawn_at.is_(None),
        or_(Strike.appeal_outcome.is_(None), Strike.appeal_outcome != AppealOutcome.OVERRULED),
    )


def active_strikes(session: Session, account_id: str) -> int:
    return (
        session.scalar(select(func.count()).select_from(Strike).where(*counting(account_id))) or 0
    )
