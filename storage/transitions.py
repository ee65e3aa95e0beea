"""Status changes of a submission, refused when illegal and guarded against concurrent writers.

Each change is a compare-and-set on (status, version): if another writer moved the submission
first, no row matches and the caller gets a 409 instead of silently overwriting.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from moderation.errors import Conflict, ErrorCode
from moderation.statuses import REOPENABLE, Status, ensure_transition
from storage.models import Attempt, Submission, utcnow

#: Where a session lists the moves it made, (kind, status), for the metrics after commit.
MOVES_KEY = "familybook_moves"


def move(
    session: Session,
    submission: Submission,
    target: Status,
    *,
    now: datetime | None = None,
    **values: Any,
) -> None:
    ensure_transition(Status(submission.status), target)
    _set(session, submission, target, now=now or utcnow(), **values)


def reopen(session: Session, submission: Submission, *, now: datetime, **values: Any) -> None:
    """An administrator's reopen: a decided item back to the queue, guarded the same way."""
    if Status(submission.status) not in REOPENABLE:
        raise Conflict(
            code=ErrorCode.NOT_REOPENABLE,
            message="只有已通過或未通過（尚未送達）的項目可以重新開啟。",
            message_en="Only an approved (not yet delivered) or rejected item can be reopened.",
        )
    _set(session, submission, Status.AWAITING_REVIEW, now=now, **values)


def _set(
    session: Session, submission: Submission, target: Status, *, now: datetime, **values: Any
) -> None:
    current = Status(submission.status)
    session.flush()  # what the ORM would have flushed before its own UPDATE
    # Core statements, the new row read back by RETURNING: the ORM's bulk UPDATE and a refresh
    # cost two round trips and most of a claim's CPU for the same result.
    row = session.execute(
        update(_SUBMISSIONS)
        .where(
            _SUBMISSIONS.c.id == submission.id,
            _SUBMISSIONS.c.status == current.value,
            _SUBMISSIONS.c.version == submission.version,
        )
        .values(
            status=target.value,
            version=_SUBMISSIONS.c.version + 1,
            status_changed_at=now,
            **values,
        )
        .returning(*_SUBMISSIONS.c)
    ).first()
    if row is None:
        raise Conflict(
            code=ErrorCode.CHANGED_MEANWHILE,
            message="這筆資料剛被其他人更新，請重新整理後再試。",
            message_en="Someone else changed this item meanwhile; reload and try again.",
        )
    session.execute(
        update(_ATTEMPTS)
        .where(
            _ATTEMPTS.c.submission_id == submission.id,
            _ATTEMPTS.c.number == values.get("attempt", submission.attempt),
        )
        .values(status=target.value)
    )
    # Counted once the transaction commits (usecases.transaction): a rolled-back move is not one.
    session.info.setdefault(MOVES_KEY, []).append((submission.kind, target.value))
    # The object as the row now is (what a refresh would have read).
    for column, value in zip(_SUBMISSIONS.c, row, strict=True):
        set_committed_value(submission, column.key, value)


_SUBMISSIONS = Submission.__table__
_ATTEMPTS = Attempt.__table__
