"""A review queue of many items written straight into the database (no upload, no worker):
for tests of what reviewers do with a long queue (paging, filters, search, claim-next).

Each item is a service application of its own family for its own inmate (an inmate is held by
one application at a time), submitted one minute after the one before, the first the oldest.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from moderation.statuses import Status
from storage.models import (
    Account,
    Application,
    Attempt,
    Inmate,
    Institution,
    StoredFile,
    Submission,
    utcnow,
)
from tests.support import flow
from tests.support.db import writing
from usecases.runtime import Runtime


@dataclass(frozen=True)
class QueuedItem:
    id: str
    account_id: str
    family_name: str
    national_id: str
    callsign: str


def fill_queue(
    rt: Runtime,
    count: int,
    *,
    code: str = "TTD",
    first: int = 0,
    hours_ago: float = 48.0,
    flags: list[dict[str, str]] | None = None,
) -> list[QueuedItem]:
    """`count` applications awaiting review at institution `code` (which must exist), oldest
    first; `first` numbers the families and callsigns so that two calls do not collide."""
    items = []
    start = utcnow() - timedelta(hours=hours_ago)
    with writing(rt) as session:
        institution = session.scalar(select(Institution).where(Institution.code == code))
        assert institution is not None
        for n in range(first, first + count):
            at = start + timedelta(minutes=n - first)
            account = Account(
                name=f"家屬{n:03d}",
                national_id=flow.national_id(900 + n, letter="F"),
                email=f"queue{n}@example.com",
                email_key=f"queue{n}@example.com",
                birth_date=date(1980, 1, 1),
                mobile="0912345678",
                password_hash="-",
                consent_version="1",
                consented_at=at,
                verified_at=at,
            )
            inmate = Inmate(
                institution_id=institution.id, callsign=f"{600000 + n}", name=f"收容人{n}"
            )
            session.add_all([account, inmate])
            session.flush()
            s = Submission(
                kind="application",
                account_id=account.id,
                institution_id=institution.id,
                status=Status.AWAITING_REVIEW,
                attempt=1,
                submitted_at=at,
                status_changed_at=at,
            )
            session.add(s)
            session.flush()
            session.add(Application(id=s.id, inmate_id=inmate.id, relationship="spouse"))
            attempt = Attempt(
                submission_id=s.id,
                number=1,
                status=Status.AWAITING_REVIEW,
                submitted_at=at,
                checked_at=at,
                flags=list(flags or []),
            )
            session.add(attempt)
            session.flush()
            session.add(
                StoredFile(
                    attempt_id=attempt.id,
                    category="identity_documents",
                    original_name="id.jpg",
                    declared_type="image/jpeg",
                    size=1000,
                    sha256=f"{n:064x}",
                    storage_key=f"queue/{s.id}",
                    detected_type="image/jpeg",
                )
            )
            items.append(
                QueuedItem(s.id, account.id, account.name, account.national_id, inmate.callsign)
            )
    return items


def queue_post(rt: Runtime, application_id: str, *, title: str = "小明的成績單") -> str:
    """A post awaiting review under the service application `application_id`."""
    from storage.models import Post

    with writing(rt) as session:
        application = session.get(Submission, application_id)
        assert application is not None
        s = Submission(
            kind="post",
            account_id=application.account_id,
            institution_id=application.institution_id,
            status=Status.AWAITING_REVIEW,
            attempt=1,
        )
        session.add(s)
        session.flush()
        session.add(Post(id=s.id, application_id=application_id))
        session.add(
            Attempt(
                submission_id=s.id, number=1, status=Status.AWAITING_REVIEW, title=title, body="…"
            )
        )
        return s.id
