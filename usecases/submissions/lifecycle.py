"""One lifecycle for every kind of submission: send, send again, find one's own.

A submission is created with its first attempt in `received`; the checks and a reviewer move
it on; a family whose submission needs fixing or was rejected sends a new attempt (history
kept). What a kind adds is asked of its `KindRules` (`applications.py`, `posts.py`).
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from moderation.errors import Conflict, ErrorCode, FamilybookError, NotFound, invalid_fields
from moderation.file_rules import FileRules, refusal, rules_for, total_too_large
from moderation.institutions import point_to_contacts
from moderation.kinds import SubmissionKind
from moderation.policy import Policy
from moderation.statuses import RESUBMITTABLE, Status
from storage import transitions
from storage.models import Attempt, Institution, StoredFile, Submission
from storage.queries import owned_submission, policy_of
from storage.uploads import Upload
from usecases.runtime import Runtime
from usecases.submissions.applications import ApplicationRules
from usecases.submissions.kinds import Draft, KindRules
from usecases.submissions.posts import PostRules
from usecases.transaction import UnitOfWork, transaction

RULES: dict[SubmissionKind, KindRules] = {
    SubmissionKind.APPLICATION: ApplicationRules(),
    SubmissionKind.POST: PostRules(),
}


@dataclass(frozen=True)
class Accepted:
    submission_id: str
    attempt_id: str
    attempt: int
    status: Status


def not_found(kind: SubmissionKind) -> NotFound:
    zh, en = RULES[kind].noun
    return NotFound(
        code=ErrorCode.NOT_FOUND, message=f"找不到這筆{zh}。", message_en=f"No such {en}."
    )


def own(session: Session, account_id: str, kind: SubmissionKind, submission_id: str) -> Submission:
    """The family's own submission of that kind; 404 for anyone else's."""
    submission = owned_submission(session, account_id, submission_id, kind)
    if submission is None:
        raise not_found(kind)
    return submission


def file_rules_for_new(
    rt: Runtime, account_id: str, kind: SubmissionKind, fields: dict[str, str]
) -> FileRules | None:
    """The limits a new submission streams under, once its first fields name the institution."""
    with rt.db.session() as session:
        institution_id = RULES[kind].institution_for_new(session, account_id, fields)
        if institution_id is None:
            return None
        return rules_for(kind, policy_of(session, institution_id))


def file_rules_for_attempt(
    rt: Runtime, account_id: str, kind: SubmissionKind, submission_id: str
) -> FileRules | None:
    with rt.db.session() as session:
        submission = owned_submission(session, account_id, submission_id, kind)
        if submission is None:
            return None
        return rules_for(kind, policy_of(session, submission.institution_id))


def submit(
    rt: Runtime, account_id: str, kind: SubmissionKind, upload: Upload, *, now: datetime
) -> Accepted:
    rules = RULES[kind]
    with transaction(rt) as work:
        rules.lock(work.session, account_id)
        with _contacts_on_refusal(work.session, rules, account_id, upload.fields):
            draft = rules.prepare(work.session, account_id, upload, now=now, replacing=None)
        check_files(kind, upload, draft.policy)
        submission = Submission(
            kind=kind,
            account_id=account_id,
            institution_id=draft.institution_id,
            status=Status.RECEIVED,
            attempt=1,
            submitted_at=now,
        )
        work.session.add(submission)
        work.session.flush()
        rules.record(work.session, submission, draft, first=True)
        attempt = _add_attempt(work, submission, upload, draft, now=now)
    return Accepted(submission.id, attempt.id, 1, Status.RECEIVED)


def resubmit(
    rt: Runtime,
    account_id: str,
    kind: SubmissionKind,
    submission_id: str,
    upload: Upload,
    *,
    now: datetime,
) -> Accepted:
    rules = RULES[kind]
    with transaction(rt) as work:
        session = work.session
        rules.lock(session, account_id)
        # Read after the lock: a second resubmission at once sees the first one's attempt.
        submission = own(session, account_id, kind, submission_id)
        session.refresh(submission)
        if Status(submission.status) not in RESUBMITTABLE:
            zh, en = rules.noun
            raise Conflict(
                code=ErrorCode.NOT_RESUBMITTABLE,
                message=f"只有待補件或未通過的{zh}可以修改後重新送出（審核中或已通過的不行）。",
                message_en=f"Only a {en} that needs fixing or was rejected can be sent again.",
            )
        with _contacts_on_refusal(session, rules, account_id, upload.fields, submission):
            draft = rules.prepare(session, account_id, upload, now=now, replacing=submission)
        check_files(kind, upload, draft.policy)
        number = submission.attempt + 1
        # The guarded move comes first: of two resubmissions at once (a double click), the
        # second finds the version changed and gets a 409 before it adds an attempt of its own.
        transitions.move(
            session,
            submission,
            Status.RECEIVED,
            attempt=number,
            submitted_at=now,
            claimed_by=None,
            lease_expires_at=None,
            decided_at=None,
        )
        rules.record(session, submission, draft, first=False)
        attempt = _add_attempt(work, submission, upload, draft, now=now)
    return Accepted(submission.id, attempt.id, number, Status.RECEIVED)


@contextmanager
def _contacts_on_refusal(
    session: Session,
    rules: KindRules,
    account_id: str,
    fields: dict[str, str],
    submission: Submission | None = None,
) -> Iterator[None]:
    """A refusal that tells the family to ask the institution names its contact window."""
    try:
        yield
    except FamilybookError as exc:
        institution_id = (
            submission.institution_id
            if submission is not None
            else rules.institution_for_new(session, account_id, fields)
        )
        institution = session.get(Institution, institution_id) if institution_id else None
        if institution is not None:
            point_to_contacts(exc, institution.contacts or [])
        raise


def check_files(kind: SubmissionKind, upload: Upload, policy: Policy) -> None:
    """Counts and sizes, refused while the family waits, in the words the checks would use."""
    rules = rules_for(kind, policy)
    counts = rules.count_problems(upload.counts())
    if counts:
        raise invalid_fields({str(p.category): (p.message, p.message_en) for p in counts})
    total = sum(f.blob.size for f in upload.files)
    if total > rules.total_bytes:
        raise refusal(total_too_large(rules.total_bytes))


def _add_attempt(
    work: UnitOfWork, submission: Submission, upload: Upload, draft: Draft, *, now: datetime
) -> Attempt:
    attempt = Attempt(
        submission_id=submission.id,
        number=submission.attempt,
        status=Status.RECEIVED,
        title=draft.title,
        body=draft.body,
        flags=draft.flags,
        submitted_at=now,
    )
    work.session.add(attempt)
    work.session.flush()
    work.session.add_all(
        StoredFile(
            attempt_id=attempt.id,
            category=f.field,
            original_name=f.original_name,
            declared_type=f.declared_type,
            size=f.blob.size,
            sha256=f.blob.sha256,
            storage_key=f.blob.key,
        )
        for f in upload.files
    )
    work.wake_check(attempt.id)
    return attempt
