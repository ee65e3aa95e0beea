"""Service applications: what differs from the shared lifecycle.

Who may apply (the inmate's child's age, a restriction, the relationship the institution
accepts), the one-family-per-inmate hold, and that a rejection frees the inmate again.
"""

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from moderation.eligibility import InmateFacts, ensure_eligible, parse_relationship
from moderation.errors import Conflict, ErrorCode, invalid_fields
from moderation.inmates import ensure_callsign_format
from moderation.kinds import SubmissionKind
from moderation.policy import Policy
from moderation.statuses import Status
from moderation.taiwan_time import taiwan_date
from moderation.verdicts import Verdict
from storage.models import Application, Decision, Inmate, Submission, utcnow
from storage.queries import find_inmate, institution_by_code
from storage.uploads import Upload
from usecases.submissions.kinds import Draft
from usecases.transaction import UnitOfWork

REQUIRED_FIELDS = ("institution", "callsign", "relationship")


def inmate_taken() -> Conflict:
    return Conflict(
        code=ErrorCode.INMATE_HAS_SERVICE,
        message="這位收容人已經有家屬申請家庭聯絡簿（每位收容人限一個家庭），如有疑問請洽機關。",
        message_en="Another family already holds the contact book for this inmate.",
    )


class ApplicationRules:
    kind = SubmissionKind.APPLICATION
    noun = ("服務申請", "service application")

    def institution_for_new(
        self, session: Session, account_id: str, upload_fields: dict[str, str]
    ) -> str | None:
        institution = institution_by_code(session, upload_fields.get("institution", "").strip())
        return institution.id if institution is not None else None

    def lock(self, session: Session, account_id: str) -> None:
        """Nothing to serialise: the held-inmate index lets one family in."""

    def prepare(
        self,
        session: Session,
        account_id: str,
        upload: Upload,
        *,
        now: datetime,
        replacing: Submission | None,
    ) -> Draft:
        missing = {n: ("必填。", "Required.") for n in REQUIRED_FIELDS if not upload.text(n)}
        if missing:
            raise invalid_fields(missing)
        callsign = ensure_callsign_format(upload.text("callsign"))
        institution, inmate = find_inmate(session, upload.text("institution"), callsign)
        policy = Policy.from_json(institution.policy)
        kinship = parse_relationship(
            upload.text("relationship"), upload.text("relationship_degree"), policy
        )
        facts = InmateFacts(inmate.youngest_child_birth_date, inmate.restricted_until)
        ensure_eligible(facts, policy, today=taiwan_date(now))
        if replacing is not None:
            application = session.get(Application, replacing.id)
            assert application is not None
            if inmate.id != application.inmate_id:
                raise invalid_fields(
                    {
                        "callsign": (
                            "重新送出時不能更換收容人。",
                            "A new attempt must be for the same inmate.",
                        )
                    }
                )
        else:
            _release_if_abandoned(session, inmate, policy, now)
            if _held(session, inmate):
                raise inmate_taken()
        return Draft(
            institution.id,
            policy,
            details={
                "inmate_id": inmate.id,
                "relationship": kinship.relationship.value,
                "relationship_degree": kinship.degree,
            },
        )

    def record(
        self, session: Session, submission: Submission, draft: Draft, *, first: bool
    ) -> None:
        try:
            if first:
                session.add(
                    Application(
                        id=submission.id,
                        inmate_id=draft.details["inmate_id"],
                        relationship=draft.details["relationship"],
                        relationship_degree=draft.details["relationship_degree"],
                    )
                )
            else:
                application = session.get(Application, submission.id)
                assert application is not None
                application.relationship = draft.details["relationship"]
                application.relationship_degree = draft.details["relationship_degree"]
                application.holds_inmate = True
            session.flush()
        except IntegrityError:
            # Another family applied for the same inmate at the same moment (or took it while
            # this one was rejected): the unique index on the held inmate lets one in.
            raise inmate_taken() from None

    def decided(
        self, work: UnitOfWork, submission: Submission, decision: Decision, verdict: Verdict
    ) -> None:
        if verdict == Verdict.REJECT:
            application = work.session.get(Application, submission.id)
            assert application is not None
            application.holds_inmate = False  # the inmate is free for another family again


def _held(session: Session, inmate: Inmate) -> bool:
    held = session.scalar(
        select(Application.id).where(Application.inmate_id == inmate.id, Application.holds_inmate)
    )
    return held is not None


def _release_if_abandoned(session: Session, inmate: Inmate, policy: Policy, now: datetime) -> None:
    """One service per inmate, but a family that never fixed its application must not keep
    every other family of the inmate out: after the policy's days in needs_fix it lets go.
    (If they come back later, their resubmission finds the inmate taken.)"""
    stale = (now or utcnow()) - timedelta(days=policy.needs_fix_hold_days)
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
