"""Which strikes count: read by the family's profile and by the reviewers alike.

「退件累計 3 次以上」 read as: every human rejection of the family's posts at one institution
adds up (累計: no window of time), until a suspension (or a proposal of one) uses them or an
appeal overrules one. The profile shows the sum over every institution.
"""

from sqlalchemy import ColumnElement, bindparam, func, or_, select
from sqlalchemy.orm import Session

from moderation.strikes import AppealOutcome
from storage.models import Strike, Submission


def counting(
    account_id: str | ColumnElement[str], institution_id: str | None = None
) -> tuple[ColumnElement[bool], ...]:
    """Strikes that count towards the next suspension: not yet used by one, not overruled,
    not withdrawn (their rejection reversed on reopen); at `institution_id` only if given
    (each institution suspends for its own rejections). `account_id` may be a column: a
    correlated count in a larger statement (the item detail's)."""
    conditions: tuple[ColumnElement[bool], ...] = (
        Strike.account_id == account_id,
        Strike.suspension_id.is_(None),
        Strike.withdrawn_at.is_(None),
        or_(Strike.appeal_outcome.is_(None), Strike.appeal_outcome != AppealOutcome.OVERRULED),
    )
    if institution_id is not None:
        at_institution = select(Submission.id).where(Submission.institution_id == institution_id)
        conditions += (Strike.submission_id.in_(at_institution),)
    return conditions


#: Every family's profile (`GET /me`) counts these: built once, only the account changes (a
#: statement built per call is traversed for its cache key each time).
_EVERYWHERE = select(func.count()).select_from(Strike).where(*counting(bindparam("account_id")))


def active_strikes(session: Session, account_id: str, institution_id: str | None = None) -> int:
    if institution_id is None:
        return session.scalar(_EVERYWHERE, {"account_id": account_id}) or 0
    query = select(func.count()).select_from(Strike).where(*counting(account_id, institution_id))
    return session.scalar(query) or 0
