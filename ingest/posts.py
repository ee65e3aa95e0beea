"""Contact-book posts: a family writes to the inmate of an approved service application."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ingest.submissions import Accepted, add_attempt, policy_of
from ingest.uploads import Upload, UploadLimits, too_large
from moderation.checks.base import FileCategory
from moderation.eligibility import ensure_not_restricted
from moderation.errors import Conflict, InvalidInput, NotFound, invalid_fields
from moderation.flags import text_flags
from moderation.policy import Policy
from moderation.quota import EarlierPost, ensure_not_suspended, ensure_quota
from moderation.statuses import RESUBMITTABLE, Status
from moderation.taiwan_time import taiwan_date
from moderation.text import clean_text
from storage import transitions
from storage.models import Account, Application, Attempt, Inmate, Post, Submission

FILE_FIELDS = frozenset({FileCategory.ATTACHMENT})


def _not_found() -> NotFound:
    return NotFound(code="not_found", message="找不到這筆資料。", message_en="Not found.")


def approved_application(
    session: Session, account: Account, application_id: str
) -> tuple[Submission, Policy]:
    submission = session.get(Submission, application_id)
    if (
        submission is None
        or submission.account_id != account.id
        or submission.kind != "application"
    ):
        raise invalid_fields({"application_id": ("找不到這筆服務申請。", "No such application.")})
    if submission.status != Status.APPROVED:
        raise Conflict(
            code="application_not_approved",
            message="服務項目申請通過後才能發佈家庭聯絡簿。",
            message_en="Posts are possible once the service application is approved.",
        )
    return submission, policy_of(session, submission.institution_id)


def _post_limits(session: Session, account: Account, application_id: str) -> UploadLimits | None:
    submission = session.get(Submission, application_id)
    if submission is None or submission.account_id != account.id:
        return None
    policy = policy_of(session, submission.institution_id)
    return UploadLimits(policy.post_max_bytes, policy.post_max_file_bytes)


def new_post_limits(
    session: Session, account: Account, fields: dict[str, str]
) -> UploadLimits | None:
    return _post_limits(session, account, fields.get("application_id", "").strip())


def resubmission_limits(session: Session, account: Account, post_id: str) -> UploadLimits | None:
    post = session.get(Post, post_id)
    return _post_limits(session, account, post.application_id) if post else None


def _ensure_inmate_reachable(session: Session, application_id: str, now: datetime) -> None:
    """A ban on visits and letters, or an isolation, stops posts too while it lasts."""
    application = session.get(Application, application_id)
    assert application is not None
    inmate = session.get(Inmate, application.inmate_id)
    assert inmate is not None
    ensure_not_restricted(inmate.restricted_until, today=taiwan_date(now))


def _earlier_posts(session: Session, application_id: str) -> list[EarlierPost]:
    rows = session.execute(
        select(Submission.id, Submission.status, Submission.submitted_at)
        .join(Post, Post.id == Submission.id)
        .where(Post.application_id == application_id)
    ).all()
    return [EarlierPost(i, Status(s), t) for i, s, t in rows]


def _text(upload: Upload, policy: Policy) -> tuple[str, str]:
    """Title and body cleaned and counted; both fields' problems reported in one answer."""
    limits = {
        "title": (policy.post_title_max_chars, False),
        "body": (policy.post_body_max_chars, True),
    }
    cleaned: dict[str, str] = {}
    problems: list[InvalidInput] = []
    for name, (max_chars, newlines) in limits.items():
        try:
            cleaned[name] = clean_text(
                upload.fields.get(name), field=name, max_chars=max_chars, allow_newlines=newlines
            )
        except InvalidInput as exc:
            problems.append(exc)
    if len(problems) == 1:
        raise problems[0]
    if problems:
        merged = problems[0]
        for extra in problems[1:]:
            merged.fields.update(extra.fields)
            merged.extra.setdefault("codes", {}).update(extra.extra.get("codes", {}))
            merged.message += extra.message
            merged.message_en += " " + extra.message_en
        raise merged
    return cleaned["title"], cleaned["body"]


def _check_files(upload: Upload, policy: Policy) -> None:
    if len(upload.files) > policy.post_max_files:
        raise invalid_fields(
            {
                "attachments": (
                    f"附件最多 {policy.post_max_files} 個。",
                    f"At most {policy.post_max_files} attachments.",
                )
            }
        )
    if upload.total_bytes() > policy.post_max_bytes:
        raise too_large(policy.post_max_bytes)


def _lock_account(session: Session, account_id: str) -> Account:
    # Serialises a family's own posting (quota, in-flight) against concurrent requests; the
    # row is read afresh under the lock (a suspension may have begun a moment ago).
    account = session.scalar(
        select(Account)
        .where(Account.id == account_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    assert account is not None
    return account


def create_post(session: Session, account: Account, upload: Upload, *, now: datetime) -> Accepted:
    application_id = (upload.fields.get("application_id") or "").strip()
    if not application_id:
        raise invalid_fields({"application_id": ("必填。", "Required.")})
    application, policy = approved_application(session, account, application_id)
    locked = _lock_account(session, account.id)
    ensure_not_suspended(locked.suspended_until, now)
    _ensure_inmate_reachable(session, application_id, now)
    ensure_quota(_earlier_posts(session, application_id), policy, now)
    title, body = _text(upload, policy)
    _check_files(upload, policy)
    submission = Submission(
        kind="post",
        account_id=account.id,
        institution_id=application.institution_id,
        status=Status.RECEIVED,
        attempt=1,
        submitted_at=now,
    )
    session.add(submission)
    session.flush()
    session.add(Post(id=submission.id, application_id=application_id))
    attempt = add_attempt(session, submission.id, 1, upload, title=title, body=body)
    attempt.flags = text_flags(title, body)
    session.commit()
    return Accepted(submission.id, attempt.id, 1, Status.RECEIVED)


def resubmit_post(
    session: Session, account: Account, post_id: str, upload: Upload, *, now: datetime
) -> Accepted:
    locked = _lock_account(session, account.id)
    # Read after the lock: a second resubmission at once sees the first one's attempt.
    submission = session.get(Submission, post_id, populate_existing=True)
    post = session.get(Post, post_id)
    if submission is None or post is None or submission.account_id != account.id:
        raise _not_found()
    if Status(submission.status) not in RESUBMITTABLE:
        raise Conflict(
            code="not_resubmittable",
            message="只有待補件或未通過的聯絡簿可以修改後重新送出。",
            message_en="Only a post that needs fixing or was rejected can be sent again.",
        )
    _, policy = approved_application(session, account, post.application_id)
    ensure_not_suspended(locked.suspended_until, now)
    _ensure_inmate_reachable(session, post.application_id, now)
    ensure_quota(_earlier_posts(session, post.application_id), policy, now, replacing=post_id)
    title, body = _text(upload, policy)
    _check_files(upload, policy)
    number = submission.attempt + 1
    transitions.move(
        session,
        submission,
        Status.RECEIVED,
        attempt=number,
        claimed_by=None,
        lease_expires_at=None,
        decided_at=None,
        submitted_at=now,
    )
    attempt = add_attempt(session, submission.id, number, upload, title=title, body=body)
    attempt.flags = text_flags(title, body)
    session.commit()
    return Accepted(submission.id, attempt.id, number, Status.RECEIVED)


def latest_attempt(session: Session, submission: Submission) -> Attempt:
    attempt = session.scalar(
        select(Attempt).where(
            Attempt.submission_id == submission.id, Attempt.number == submission.attempt
        )
    )
    assert attempt is not None
    return attempt


def post_of(session: Session, account: Account, post_id: str) -> Submission:
    submission = session.get(Submission, post_id)
    if submission is None or submission.account_id != account.id or submission.kind != "post":
        raise _not_found()
    return submission


def application_of(session: Session, post_id: str) -> Application:
    post = session.get(Post, post_id)
    assert post is not None
    application = session.get(Application, post.application_id)
    assert application is not None
    return application
