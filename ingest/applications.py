"""Service applications: a family asks to use the contact book for one inmate."""

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ingest.submissions import Accepted, add_attempt, policy_of
from ingest.uploads import Upload, UploadLimits, too_large
from moderation.checks.base import FileCategory
from moderation.eligibility import InmateFacts, ensure_eligible, parse_relationship
from moderation.errors import Conflict, NotFound, invalid_fields
from moderation.policy import Policy
from moderation.statuses import RESUBMITTABLE, Status
from storage import transitions
from storage.models import (
    Account,
    Application,
    Inmate,
    Institution,
    Submission,
    utcnow,
)

FILE_FIELDS = frozenset(
    {FileCategory.IDENTITY, FileCategory.RELATIONSHIP, FileCategory.APPLICANT_PHOTO}
)


def _required(upload: Upload, names: tuple[str, ...]) -> dict[str, str]:
    missing = {n: ("必填。", "Required.") for n in names if not upload.fields.get(n, "").strip()}
    if missing:
        raise invalid_fields(missing)
    return {n: upload.fields[n].strip() for n in names}


def _check_files(upload: Upload, policy: Policy) -> None:
    errors: dict[str, tuple[str, str]] = {}
    for category in (FileCategory.IDENTITY, FileCategory.RELATIONSHIP):
        n = len(upload.files_in(category))
        if not 1 <= n <= policy.max_files_per_category:
            errors[category] = (
                f"請上傳 1 到 {policy.max_files_per_category} 個檔案。",
                f"Upload 1 to {policy.max_files_per_category} files.",
            )
    photos = len(upload.files_in(FileCategory.APPLICANT_PHOTO))
    if photos > 1 or (policy.applicant_photo_required and photos == 0):
        errors[FileCategory.APPLICANT_PHOTO] = (
            "請上傳一張申請人正面清晰照片。",
            "Upload one clear front-facing photo of you.",
        )
    if errors:
        raise invalid_fields(errors)
    if upload.total_bytes() > policy.max_application_bytes:
        raise too_large(policy.max_application_bytes)


def new_application_limits(session: Session, fields: dict[str, str]) -> UploadLimits | None:
    code = fields.get("institution", "").strip()
    institution = session.scalar(select(Institution).where(Institution.code == code))
    if institution is None:
        return None
    return UploadLimits(Policy.from_json(institution.policy).max_application_bytes)


def resubmission_limits(
    session: Session, account: Account, application_id: str
) -> UploadLimits | None:
    submission = session.get(Submission, application_id)
    if submission is None or submission.account_id != account.id:
        return None
    return UploadLimits(policy_of(session, submission.institution_id).max_application_bytes)


def find_inmate(session: Session, code: str, callsign: str) -> tuple[Institution, Inmate]:
    institution = session.scalar(select(Institution).where(Institution.code == code))
    if institution is None:
        raise NotFound(
            code="institution_not_found",
            message="找不到這個矯正機關。",
            message_en="No such institution.",
        )
    inmate = session.scalar(
        select(Inmate).where(Inmate.institution_id == institution.id, Inmate.callsign == callsign)
    )
    if inmate is None:
        raise NotFound(
            code="inmate_not_found",
            message="找不到這個呼號的收容人，請核對呼號。",
            message_en="No inmate with this callsign; please check it.",
        )
    return institution, inmate


def _inmate_taken() -> Conflict:
    return Conflict(
        code="inmate_has_service",
        message="這位收容人已經有家屬申請家庭聯絡簿（每位收容人限一個家庭），如有疑問請洽機關。",
        message_en="Another family already holds the contact book for this inmate.",
    )


def _validated(session: Session, upload: Upload, *, today: date) -> tuple[Institution, Inmate, str]:
    given = _required(upload, ("institution", "callsign", "relationship"))
    institution, inmate = find_inmate(session, given["institution"], given["callsign"])
    policy = Policy.from_json(institution.policy)
    relationship = parse_relationship(given["relationship"], policy)
    ensure_eligible(
        InmateFacts(inmate.youngest_child_birth_date, inmate.restricted_until), policy, today=today
    )
    _check_files(upload, policy)
    return institution, inmate, relationship.value


def _release_if_abandoned(session: Session, inmate: Inmate, policy: Policy) -> None:
    """One service per inmate, but a family that never fixed its application must not keep
    every other family of the inmate out: after the policy's days in needs_fix it lets go.
    (If they come back later, their resubmission finds the inmate taken.)"""
    stale = utcnow() - timedelta(days=policy.needs_fix_hold_days)
    abandoned = session.scalars(
        select(Application)
        .join(Submission, Submission.id == Application.id)
        .where(
            Application.inmate_id == inmate.id,
            Application.holds_inmate,
            Submission.status == Status.NEEDS_FIX,
            Submission.status_changed_at < stale,
        )
    ).all()
    for application in abandoned:
        application.holds_inmate = False
    session.flush()


def apply(session: Session, account: Account, upload: Upload, *, today: date) -> Accepted:
    institution, inmate, relationship = _validated(session, upload, today=today)
    _release_if_abandoned(session, inmate, Policy.from_json(institution.policy))
    held = session.scalar(
        select(Application.id).where(Application.inmate_id == inmate.id, Application.holds_inmate)
    )
    if held is not None:
        raise _inmate_taken()
    submission = Submission(
        kind="application",
        account_id=account.id,
        institution_id=institution.id,
        status=Status.RECEIVED,
        attempt=1,
    )
    try:
        session.add(submission)
        session.flush()
        session.add(Application(id=submission.id, inmate_id=inmate.id, relationship=relationship))
        attempt = add_attempt(session, submission.id, 1, upload)
        session.commit()
    except IntegrityError:
        # Another family applied for the same inmate at the same moment: the unique index on
        # the held inmate lets one of the two in.
        session.rollback()
        raise _inmate_taken() from None
    return Accepted(submission.id, attempt.id, 1, Status.RECEIVED)


def resubmit(
    session: Session, account: Account, application_id: str, upload: Upload, *, today: date
) -> Accepted:
    submission = session.get(Submission, application_id)
    if (
        submission is None
        or submission.account_id != account.id
        or submission.kind != "application"
    ):
        raise NotFound(code="not_found", message="找不到這筆申請。", message_en="Not found.")
    if Status(submission.status) not in RESUBMITTABLE:
        raise Conflict(
            code="not_resubmittable",
            message="這筆申請目前不能重新送出（審核中或已通過）。",
            message_en="Only an application that needs fixing or was rejected can be sent again.",
        )
    application = session.get(Application, application_id)
    assert application is not None
    _, inmate, relationship = _validated(session, upload, today=today)
    if inmate.id != application.inmate_id:
        raise invalid_fields(
            {
                "callsign": (
                    "重新送出時不能更換收容人。",
                    "A new attempt must be for the same inmate.",
                )
            }
        )
    number = submission.attempt + 1
    # The guarded move comes first: of two resubmissions at once (a double click), the second
    # finds the version changed and gets a 409 before it adds an attempt of its own.
    transitions.move(
        session,
        submission,
        Status.RECEIVED,
        attempt=number,
        submitted_at=utcnow(),
        claimed_by=None,
        lease_expires_at=None,
        decided_at=None,
    )
    try:
        attempt = add_attempt(session, submission.id, number, upload)
        application.relationship = relationship
        application.holds_inmate = True
        session.commit()
    except IntegrityError:
        session.rollback()  # another family took the inmate while this one was rejected
        raise _inmate_taken() from None
    return Accepted(submission.id, attempt.id, number, Status.RECEIVED)
