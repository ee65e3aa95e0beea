"""Contact-book posts: what differs from the shared lifecycle.

A post needs the family's approved service application; it is refused while the family is
suspended or the inmate restricted, beyond the quota (one per interval, one in flight), and
for a title or body a person would count as too long. A rejected post is a strike.
"""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from moderation.eligibility import InmateFacts, ensure_still_eligible
from moderation.errors import Conflict, ErrorCode, InvalidInput, invalid_fields
from moderation.flags import text_flags
from moderation.kinds import SubmissionKind
from moderation.policy import Policy
from moderation.quota import EarlierPost, ensure_not_suspended, ensure_quota
from moderation.services import service_ended
from moderation.statuses import Status
from moderation.taiwan_time import taiwan_date
from moderation.text import clean_text
from moderation.verdicts import Verdict
from storage.models import Account, Application, Decision, Inmate, Post, Submission
from storage.queries import owned_submission, policy_of
from storage.uploads import Upload
from usecases import strikes, suspensions
from usecases.submissions.kinds import Draft
from usecases.transaction import UnitOfWork


class PostRules:
    kind = SubmissionKind.POST
    noun = ("聯絡簿", "contact-book post")

    def institution_for_new(
        self, session: Session, account_id: str, upload_fields: dict[str, str]
    ) -> str | None:
        application_id = upload_fields.get("application_id", "").strip()
        application = owned_submission(
            session, account_id, application_id, SubmissionKind.APPLICATION
        )
        return application.institution_id if application is not None else None

    def lock(self, session: Session, account_id: str) -> None:
        # Serialises a family's own posting (quota, in-flight) against concurrent requests; the
        # row is read afresh under the lock (a suspension may have begun a moment ago).
        session.scalar(
            select(Account)
            .where(Account.id == account_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )

    def prepare(
        self,
        session: Session,
        account_id: str,
        upload: Upload,
        *,
        now: datetime,
        replacing: Submission | None,
    ) -> Draft:
        if replacing is not None:
            post = session.get(Post, replacing.id)
            assert post is not None
            application_id = post.application_id
        else:
            application_id = upload.text("application_id")
            if not application_id:
                raise invalid_fields({"application_id": ("必填。", "Required.")})
        application = approved_application(session, account_id, application_id)
        policy = policy_of(session, application.institution_id)
        ensure_not_suspended(
            suspensions.suspended_until(session, account_id, application.institution_id, now), now
        )
        _ensure_still_eligible(session, application_id, policy, now)
        earlier = _earlier_posts(session, application_id)
        ensure_quota(earlier, policy, now, replacing=replacing.id if replacing else None)
        title, body = _text(upload, policy)
        return Draft(
            application.institution_id,
            policy,
            title=title,
            body=body,
            flags=text_flags(title, body),
            details={"application_id": application_id},
        )

    def record(
        self, session: Session, submission: Submission, draft: Draft, *, first: bool
    ) -> None:
        if first:
            session.add(Post(id=submission.id, application_id=draft.details["application_id"]))

    def decided(
        self, work: UnitOfWork, submission: Submission, decision: Decision, verdict: Verdict
    ) -> None:
        if verdict == Verdict.REJECT:
            policy = policy_of(work.session, submission.institution_id)
            work.wake_email(
                strikes.record_strike(
                    work.session, decision, submission.account_id, policy, decision.decided_at
                )
            )


def approved_application(session: Session, account_id: str, application_id: str) -> Submission:
    application = owned_submission(session, account_id, application_id, SubmissionKind.APPLICATION)
    if application is None:
        raise invalid_fields({"application_id": ("找不到這筆服務申請。", "No such application.")})
    if application.status == Status.ENDED:
        raise service_ended()
    if application.status != Status.APPROVED:
        raise Conflict(
            code=ErrorCode.APPLICATION_NOT_APPROVED,
            message="服務項目申請通過後才能發佈家庭聯絡簿。",
            message_en="Posts are possible once the service application is approved.",
        )
    return application


def _ensure_still_eligible(
    session: Session, application_id: str, policy: Policy, now: datetime
) -> None:
    """The application's rules hold at every post: a ban on visits and letters or an
    isolation stops posts while it lasts, and a youngest child past the age ends them."""
    application = session.get(Application, application_id)
    assert application is not None
    inmate = session.get(Inmate, application.inmate_id)
    assert inmate is not None
    facts = InmateFacts(inmate.youngest_child_birth_date, inmate.restricted_until)
    ensure_still_eligible(facts, policy, today=taiwan_date(now))


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
    if problems:
        raise _merged(problems)
    return cleaned["title"], cleaned["body"]


def _merged(problems: list[InvalidInput]) -> InvalidInput:
    merged = problems[0]
    for extra in problems[1:]:
        merged.fields.update(extra.fields)
        merged.extra.setdefault("codes", {}).update(extra.extra.get("codes", {}))
        merged.message += extra.message
        merged.message_en += " " + extra.message_en
    return merged
