"""Retention: identity and relationship documents are not kept for ever.

The originals a family sent are erased `document_retention_days` (the institution's policy)
after the application's final decision; a rejected application's sanitized copies and previews
go with them, as no service will ever use them. An approved application's copies stay while
its service runs. Once the service is over (ended by the family or staff, or the application
withdrawn), nothing of it is needed any more: every file of the application, and the photos of
its posts, go the same number of days after it ended. The days are a window, not an
immediate erasure, so that a service ended by mistake, a family's complaint or a question about
what was handed to the inmate can still be answered from the record for as long as a decision
can. A post approved but not yet delivered keeps its photo until it is (staff still print it),
and its days count from the delivery.

Each erasure is in the audit log; the row stays, marked, for the record of what was received.
Run by the sweeper; `familybook purge --dry-run` lists what would go.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session, aliased

from moderation.audit import AuditAction
from moderation.file_rules import FileCategory
from moderation.kinds import SubmissionKind
from moderation.policy import Policy
from moderation.statuses import CLOSED, DECIDED, Status
from storage.audit import record
from storage.models import Application, Attempt, Institution, Post, StoredFile, Submission
from usecases.runtime import Runtime
from usecases.transaction import transaction

#: The documents that prove who a family is and how it is related: the ones retention erases.
DOCUMENTS = (FileCategory.IDENTITY.value, FileCategory.RELATIONSHIP.value)
#: Who the audit log names for erasures.
ACTOR = "system:retention"
#: A post of an ended service in one of these is done with: delivered, refused or withdrawn
#: with the service. An approved one is still to be printed and handed over.
POST_DONE = (Status.DELIVERED, Status.REJECTED, Status.WITHDRAWN)


@dataclass(frozen=True)
class Erasure:
    file_id: str
    submission_id: str
    category: str
    #: When the retention clock started: the decision, the service's end or the delivery.
    since: datetime
    #: Store keys erased: the original and/or the copies (sanitized copy, preview).
    keys: tuple[str, ...]
    original: bool
    copies: bool


def due(rt: Runtime, now: datetime) -> list[Erasure]:
    """What retention would erase now (nothing is changed)."""
    with rt.db.session() as session:
        found = _application_files(session, now) + _post_files(session, now)
    return sorted(found, key=lambda e: e.since)


def _not_all_erased() -> Any:
    return or_(StoredFile.original_erased_at.is_(None), StoredFile.copies_erased_at.is_(None))


def _application_files(session: Session, now: datetime) -> list[Erasure]:
    rows = session.execute(
        select(StoredFile, Submission, Application.ended_at, Institution.policy)
        .join(Attempt, Attempt.id == StoredFile.attempt_id)
        .join(Submission, Submission.id == Attempt.submission_id)
        .join(Application, Application.id == Submission.id)
        .join(Institution, Institution.id == Submission.institution_id)
        .where(
            Submission.kind == SubmissionKind.APPLICATION,
            _not_all_erased(),
            or_(
                # Over, or rejected: originals and copies may be due.
                Submission.status.in_([Status.REJECTED, *CLOSED]),
                # Decided and running: only the documents' originals may be due.
                and_(
                    Submission.status.in_(list(DECIDED)),
                    StoredFile.original_erased_at.is_(None),
                    StoredFile.category.in_(DOCUMENTS),
                ),
            ),
        )
    ).all()
    found = []
    for f, submission, ended_at, policy in rows:
        keep = timedelta(days=Policy.from_json(policy).document_retention_days)
        erasure = _application_file(f, submission, ended_at, keep, now)
        if erasure is not None:
            found.append(erasure)
    return found


def _application_file(
    f: StoredFile, submission: Submission, ended_at: datetime | None, keep: timedelta, now: datetime
) -> Erasure | None:
    status = Status(submission.status)
    decided = submission.decided_at
    document = f.category in DOCUMENTS
    original = document and decided is not None and decided + keep <= now
    copies = status == Status.REJECTED and original
    since = decided
    if status in CLOSED:
        ended = ended_at or submission.status_changed_at
        if ended + keep <= now:
            original = copies = True
            since = min(decided, ended) if decided else ended
    return _erasure(f, submission.id, since, original=original, copies=copies)


def _post_files(session: Session, now: datetime) -> list[Erasure]:
    service = aliased(Submission)
    rows = session.execute(
        select(StoredFile, Submission, Application.ended_at, Institution.policy)
        .join(Attempt, Attempt.id == StoredFile.attempt_id)
        .join(Submission, Submission.id == Attempt.submission_id)
        .join(Post, Post.id == Submission.id)
        .join(Application, Application.id == Post.application_id)
        .join(service, service.id == Application.id)
        .join(Institution, Institution.id == Submission.institution_id)
        .where(
            service.status.in_(list(CLOSED)),
            Submission.status.in_(list(POST_DONE)),
            _not_all_erased(),
        )
    ).all()
    found = []
    for f, post, ended_at, policy in rows:
        keep = timedelta(days=Policy.from_json(policy).document_retention_days)
        # From the later of the service's end and the post's last move (a post approved
        # before the end and delivered after it counts from its delivery).
        since = max(ended_at or post.status_changed_at, post.status_changed_at)
        if since + keep <= now:
            erasure = _erasure(f, post.id, since, original=True, copies=True)
            if erasure is not None:
                found.append(erasure)
    return found


def _erasure(
    f: StoredFile, submission_id: str, since: datetime | None, *, original: bool, copies: bool
) -> Erasure | None:
    """What of `f` is due and not yet erased; None when nothing is."""
    original = original and f.original_erased_at is None
    copies = copies and f.copies_erased_at is None
    if not (original or copies) or since is None:
        return None
    keys = ((f.storage_key,) if original else ()) + (
        tuple(k for k in (f.sanitized_key, f.preview_key) if k) if copies else ()
    )
    return Erasure(f.id, submission_id, f.category, since, keys, original, copies)


def purge(rt: Runtime, now: datetime, *, dry_run: bool = False) -> list[Erasure]:
    """Erase what is due: the files deleted first, then marked and audited in one transaction.
    In that order a crash between the two leaves rows still unmarked, which the next run finds
    again (deleting a missing file is no error) and marks; the other order would leave marked
    rows whose files no run ever looks for again."""
    erasures = due(rt, now)
    if dry_run or not erasures:
        return erasures
    for e in erasures:
        for key in e.keys:
            rt.files.delete(key)
    with transaction(rt) as work:
        for e in erasures:
            row = work.session.get(StoredFile, e.file_id)
            assert row is not None
            if e.original:
                row.original_erased_at = now
            if e.copies:
                row.copies_erased_at = now
            record(
                work.session,
                ACTOR,
                AuditAction.FILE_ERASED,
                submission_id=e.submission_id,
                file_id=e.file_id,
                category=e.category,
                original=e.original,
                copies=e.copies,
            )
    return erasures
