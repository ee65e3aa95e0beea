"""Retention: identity and relationship documents are not kept for ever.

The originals a family sent are erased `document_retention_days` (the institution's policy)
after the application's final decision; a rejected application's sanitized copies and previews
go with them, as no service will ever use them. An approved application's copies stay while
its service runs. Each erasure is in the audit log; the row stays, marked, for the record of
what was received. Run by the sweeper; `familybook purge --dry-run` lists what would go.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from moderation.audit import AuditAction
from moderation.file_rules import FileCategory
from moderation.kinds import SubmissionKind
from moderation.policy import Policy
from moderation.statuses import DECIDED, Status
from storage.audit import record
from storage.models import Attempt, Institution, StoredFile, Submission
from usecases.runtime import Runtime
from usecases.transaction import transaction

#: The documents that prove who a family is and how it is related: the ones retention erases.
DOCUMENTS = (FileCategory.IDENTITY.value, FileCategory.RELATIONSHIP.value)
#: Who the audit log names for erasures.
ACTOR = "system:retention"


@dataclass(frozen=True)
class Erasure:
    file_id: str
    submission_id: str
    category: str
    decided_at: datetime
    #: Store keys erased: the original, and the copies when the application was rejected.
    keys: tuple[str, ...]


def due(rt: Runtime, now: datetime) -> list[Erasure]:
    """What retention would erase now (nothing is changed)."""
    with rt.db.session() as session:
        rows = session.execute(
            select(StoredFile, Submission, Institution.policy)
            .join(Attempt, Attempt.id == StoredFile.attempt_id)
            .join(Submission, Submission.id == Attempt.submission_id)
            .join(Institution, Institution.id == Submission.institution_id)
            .where(
                StoredFile.category.in_(DOCUMENTS),
                StoredFile.original_erased_at.is_(None),
                Submission.kind == SubmissionKind.APPLICATION,
                Submission.status.in_(list(DECIDED)),
                Submission.decided_at.is_not(None),
            )
            .order_by(Submission.decided_at)
        ).all()
    found = []
    for f, submission, policy in rows:
        keep = timedelta(days=Policy.from_json(policy).document_retention_days)
        if submission.decided_at + keep > now:
            continue
        copies = (f.sanitized_key, f.preview_key) if submission.status == Status.REJECTED else ()
        keys = tuple(k for k in (f.storage_key, *copies) if k)
        found.append(Erasure(f.id, submission.id, f.category, submission.decided_at, keys))
    return found


def purge(rt: Runtime, now: datetime, *, dry_run: bool = False) -> list[Erasure]:
    """Erase what is due: marked and audited in one transaction, then the files deleted (a
    crash between leaves a marked file that the next run's delete removes; never an unmarked
    gap in the record)."""
    erasures = due(rt, now)
    if dry_run or not erasures:
        return erasures
    with transaction(rt) as work:
        for e in erasures:
            row = work.session.get(StoredFile, e.file_id)
            assert row is not None
            row.original_erased_at = now
            if len(e.keys) > 1:
                row.copies_erased_at = now
            record(
                work.session,
                ACTOR,
                AuditAction.FILE_ERASED,
                submission_id=e.submission_id,
                file_id=e.file_id,
                category=e.category,
                copies=len(e.keys) > 1,
            )
    for e in erasures:
        for key in e.keys:
            rt.files.delete(key)
    return erasures
