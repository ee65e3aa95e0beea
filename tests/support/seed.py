"""Submissions in every shape a response can take, written straight into the database.

For tests that read the API's answers (tests/test_api_schema.py): no upload, no worker, so a
fuzzed operation starts in milliseconds. Between them the rows fill every optional part of the
views at least once and leave it empty at least once: attempts with and without a decision,
reasons with and without a reviewer's advice, checks on a file and on the whole submission,
OCR values read and not found, flags, a claimed item, a delivered post, stuck work, a failing
email.
"""

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select

from moderation.statuses import Status
from storage.models import (
    Application,
    Attempt,
    CheckResult,
    Decision,
    Inmate,
    Institution,
    OutboxEmail,
    Post,
    PrefillField,
    Staff,
    StoredFile,
    Submission,
    utcnow,
)
from tests.support.db import writing
from usecases import administration as admin
from usecases.runtime import Runtime

CHECK_REASON = {
    "code": "image_resolution_too_low",
    "message": "圖片解析度太低。",
    "message_en": "The image is too small.",
}
REVIEW_REASON = {
    "code": "identity_unreadable",
    "message": "身分證明文件不清楚，請重新拍攝或掃描。",
    "message_en": "The identity document cannot be read.",
    "advice": "請在光線充足處重拍正面。",
}
#: A reviewer may refuse without advice: the key is there, null.
NO_ADVICE_REASON = {
    "code": "off_topic",
    "message": "內容與子女照顧或家庭支持無關。",
    "message_en": "The content is not about the children's care or family support.",
    "advice": None,
}
LINK_FLAG = {"code": "contains_link", "message": "內容含有網址。", "message_en": "A link."}


@dataclass(frozen=True)
class Seeded:
    account_id: str
    #: Reached review: a reviewer may open them.
    reviewable: tuple[str, ...]
    applications: tuple[str, ...]
    posts: tuple[str, ...]


class _Writer:
    def __init__(self, session, institution_id: str, account_id: str, staff_id: str) -> None:
        self.session = session
        self.institution_id = institution_id
        self.account_id = account_id
        self.staff_id = staff_id
        self.now = utcnow()

    def submission(self, kind: str, status: Status, attempt: int, **values) -> Submission:
        s = Submission(
            kind=kind,
            account_id=self.account_id,
            institution_id=self.institution_id,
            status=status,
            attempt=attempt,
            submitted_at=self.now - timedelta(hours=2),
            status_changed_at=self.now - timedelta(hours=1),
            **values,
        )
        self.session.add(s)
        self.session.flush()
        return s

    def attempt(self, s: Submission, number: int, status: Status, **values) -> Attempt:
        a = Attempt(
            submission_id=s.id,
            number=number,
            status=status,
            submitted_at=self.now - timedelta(hours=3 - number),
            **values,
        )
        self.session.add(a)
        self.session.flush()
        return a

    def decision(self, a: Attempt, decision: str, reason_code=None, advice=None) -> None:
        self.session.add(
            Decision(
                attempt_id=a.id,
                submission_id=a.submission_id,
                idempotency_key=f"seed-{a.id}",
                staff_id=self.staff_id,
                decision=decision,
                reason_code=reason_code,
                advice=advice,
            )
        )

    def checked_file(self, a: Attempt, category: str, detected: str | None, **facts) -> str:
        f = StoredFile(
            attempt_id=a.id,
            category=category,
            original_name=f"{category}.bin",
            declared_type=detected or "application/octet-stream",
            size=12345,
            sha256="0" * 64,
            storage_key=f"seed/{a.id}/{category}",
            detected_type=detected,
            **facts,
        )
        self.session.add(f)
        self.session.flush()
        self.session.add(
            CheckResult(
                attempt_id=a.id,
                file_id=f.id,
                file_key=f.id,
                code="file_type",
                ok=detected is not None,
                message="檔案類型",
                message_en="File type",
            )
        )
        return f.id


def _application(w: _Writer, inmate: Inmate, status: Status, attempt: int) -> Submission:
    s = w.submission("application", status, attempt)
    w.session.add(Application(id=s.id, inmate_id=inmate.id, relationship="spouse"))
    return s


def _approved_application(w: _Writer, inmate: Inmate) -> Submission:
    """Rejected once with advice, approved on the second attempt, with files, checks, OCR."""
    s = _application(w, inmate, Status.APPROVED, 2)
    s.decided_at = w.now
    first = w.attempt(
        s, 1, Status.REJECTED, reasons=[REVIEW_REASON], decided_at=w.now - timedelta(hours=2)
    )
    w.decision(first, "reject", REVIEW_REASON["code"], REVIEW_REASON["advice"])
    second = w.attempt(s, 2, Status.APPROVED, decided_at=w.now)
    w.decision(second, "approve")
    photo = w.checked_file(
        second, "identity_documents", "image/jpeg", width=1200, height=800, sanitized_key="s/1"
    )
    w.checked_file(second, "relationship_documents", "application/pdf", pages=2, preview_key="p")
    w.session.add_all(
        [
            CheckResult(
                attempt_id=second.id,
                file_id=None,
                file_key="-",
                code="file_counts",
                ok=True,
                message="檔案數量",
                message_en="File count",
            ),
            PrefillField(
                attempt_id=second.id,
                file_id=photo,
                field="name",
                value="王小明",
                expected="王小明",
                status="match",
                confidence=0.93,
                source_text="姓名 王小明",
            ),
            PrefillField(
                attempt_id=second.id,
                file_id=photo,
                field="birth_date",
                value=None,
                expected="1985-02-03",
                status="not_found",
            ),
        ]
    )
    return s


def _needs_fix_application(w: _Writer, inmate: Inmate) -> Submission:
    """Sent back by the checks on its first attempt: the family sees reasons, no reviewer does."""
    s = _application(w, inmate, Status.NEEDS_FIX, 1)
    a = w.attempt(s, 1, Status.NEEDS_FIX, reasons=[CHECK_REASON])
    w.checked_file(a, "identity_documents", None)
    return s


def _post(
    w: _Writer, application: Submission, status: Status, delivered: bool = False, **values
) -> Submission:
    s = w.submission("post", status, 1, **values)
    w.session.add(
        Post(id=s.id, application_id=application.id, delivered_at=w.now if delivered else None)
    )
    a = w.attempt(s, 1, status, title="小明的成績單", body="數學考了九十分。", flags=[LINK_FLAG])
    w.checked_file(a, "attachments", "image/png", width=640, height=480, sanitized_key="s/2")
    if status in (Status.APPROVED, Status.DELIVERED):
        s.decided_at = a.decided_at = w.now
        w.decision(a, "approve")
    if status == Status.REJECTED:
        s.decided_at = a.decided_at = w.now
        a.reasons = [NO_ADVICE_REASON]
        w.decision(a, "reject", NO_ADVICE_REASON["code"])
    return s


def seed(rt: Runtime, account_id: str, code: str = "TTD") -> Seeded:
    """Needs the institution of `flow.institution` (inmates 7375 and 7376) and the account."""
    admin.add_staff(rt, "seed-reviewer@ttd.example", [code], "reviewer")
    with writing(rt) as session:
        staff = session.scalar(select(Staff).where(Staff.email == "seed-reviewer@ttd.example"))
        institution = session.scalar(select(Institution).where(Institution.code == code))
        assert staff is not None and institution is not None
        inmates = {
            i.callsign: i
            for i in session.scalars(select(Inmate).where(Inmate.institution_id == institution.id))
        }
        w = _Writer(session, institution.id, account_id, staff.id)
        approved = _approved_application(w, inmates["7375"])
        needs_fix = _needs_fix_application(w, inmates["7376"])
        waiting = _post(w, approved, Status.AWAITING_REVIEW)
        claimed = _post(
            w,
            approved,
            Status.IN_REVIEW,
            claimed_by=staff.id,
            lease_expires_at=w.now + timedelta(minutes=15),
        )
        ready = _post(w, approved, Status.APPROVED)
        delivered = _post(w, approved, Status.DELIVERED, delivered=True)
        refused = _post(w, approved, Status.REJECTED)
        stuck = _post(w, approved, Status.CHECKING)
        stuck.status_changed_at = w.now - timedelta(hours=5)
        session.add(
            OutboxEmail(
                message_id="<seed@familybook>",
                to_addr="family@example.com",
                subject="審核結果",
                body="…",
                tries=2,
                last_error="SMTP refused",
            )
        )
        posts = (waiting.id, claimed.id, ready.id, delivered.id, refused.id, stuck.id)
        return Seeded(
            account_id=account_id,
            reviewable=(approved.id, waiting.id, claimed.id, ready.id, delivered.id, refused.id),
            applications=(approved.id, needs_fix.id),
            posts=posts,
        )
