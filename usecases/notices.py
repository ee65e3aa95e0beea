"""The published notices families agree to (個人資料蒐集告知聲明), read by version."""

from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from moderation.errors import ErrorCode, NotFound
from storage.models import Notice


class NoticeKind(StrEnum):
    PERSONAL_DATA = "personal-data"


def _missing() -> NotFound:
    return NotFound(
        code=ErrorCode.NOTICE_NOT_FOUND,
        message="找不到這個版本的告知聲明。",
        message_en="There is no notice of this version.",
    )


def latest(session: Session, kind: NoticeKind = NoticeKind.PERSONAL_DATA) -> Notice:
    """The version a family agrees to when it registers now (the newest published)."""
    notice = session.scalar(
        select(Notice)
        .where(Notice.kind == kind.value)
        .order_by(Notice.published_at.desc(), Notice.version.desc())
        .limit(1)
    )
    if notice is None:
        raise _missing()
    return notice


def by_version(
    session: Session, version: str, kind: NoticeKind = NoticeKind.PERSONAL_DATA
) -> Notice:
    notice = session.get(Notice, (kind.value, version))
    if notice is None:
        raise _missing()
    return notice
