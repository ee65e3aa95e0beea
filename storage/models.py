"""The database tables. The database is the record; broker messages are only wake-ups."""

import uuid
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def new_id() -> str:
    return str(uuid.uuid4())


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Always aware UTC in Python, whatever the backend keeps (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime, dict[str, Any]: JSON, list[Any]: JSON}  # noqa: RUF012


Id = String(36)


class Institution(Base):
    __tablename__ = "institutions"
    id: Mapped[str] = mapped_column(Id, primary_key=True, default=new_id)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    policy: Mapped[dict[str, Any]] = mapped_column(default=dict)


class Inmate(Base):
    __tablename__ = "inmates"
    __table_args__ = (UniqueConstraint("institution_id", "callsign"),)
    id: Mapped[str] = mapped_column(Id, primary_key=True, default=new_id)
    institution_id: Mapped[str] = mapped_column(ForeignKey("institutions.id"))
    callsign: Mapped[str] = mapped_column(String(6))
    name: Mapped[str] = mapped_column(String(50))
    youngest_child_birth_date: Mapped[date | None] = mapped_column(Date)
    restricted_until: Mapped[date | None] = mapped_column(Date)
    restriction_reason: Mapped[str | None] = mapped_column(String(200))


class Account(Base):
    __tablename__ = "accounts"
    id: Mapped[str] = mapped_column(Id, primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(50))
    national_id: Mapped[str] = mapped_column(String(10))
    email: Mapped[str] = mapped_column(String(254))
    #: Lower-cased email: the login, unique regardless of case.
    email_key: Mapped[str] = mapped_column(String(254), unique=True)
    birth_date: Mapped[date] = mapped_column(Date)
    mobile: Mapped[str] = mapped_column(String(20))
    phone: Mapped[str] = mapped_column(String(30), default="")
    password_hash: Mapped[str] = mapped_column(String(200))
    consent_version: Mapped[str] = mapped_column(String(20))
    consented_at: Mapped[datetime]
    verified_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    suspended_until: Mapped[datetime | None]


class LoginFailure(Base):
    """Failed logins per email, whether or not an account has it: throttling only real
    accounts would tell a stranger which emails are registered."""

    __tablename__ = "login_failures"
    email_key: Mapped[str] = mapped_column(String(254), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    since: Mapped[datetime] = mapped_column(default=utcnow)


class EmailToken(Base):
    __tablename__ = "email_tokens"
    id: Mapped[str] = mapped_column(Id, primary_key=True, default=new_id)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    #: SHA-256 of the token: the token itself exists only in the email.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class AuthToken(Base):
    __tablename__ = "auth_tokens"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    expires_at: Mapped[datetime]


class Staff(Base):
    __tablename__ = "staff"
    id: Mapped[str] = mapped_column(Id, primary_key=True, default=new_id)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class StaffInstitution(Base):
    __tablename__ = "staff_institutions"
    staff_id: Mapped[str] = mapped_column(ForeignKey("staff.id"), primary_key=True)
    institution_id: Mapped[str] = mapped_column(ForeignKey("institutions.id"), primary_key=True)


class Submission(Base):
    """A review item: a service application or a post. Its status is the guarded state."""

    __tablename__ = "submissions"
    __table_args__ = (Index("ix_submissions_queue", "institution_id", "status", "submitted_at"),)
    id: Mapped[str] = mapped_column(Id, primary_key=True, default=new_id)
    kind: Mapped[str] = mapped_column(String(20))
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    institution_id: Mapped[str] = mapped_column(ForeignKey("institutions.id"))
    status: Mapped[str] = mapped_column(String(20))
    #: Bumped on every status change: writers compare-and-set on it.
    version: Mapped[int] = mapped_column(Integer, default=1)
    attempt: Mapped[int] = mapped_column(Integer, default=1)
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    status_changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]
    claimed_by: Mapped[str | None] = mapped_column(ForeignKey("staff.id"))
    lease_expires_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Application(Base):
    __tablename__ = "applications"
    __table_args__ = (
        # One service per inmate: at most one application holds an inmate at a time.
        Index(
            "uq_applications_inmate_held",
            "inmate_id",
            unique=True,
            sqlite_where=text("holds_inmate"),
            postgresql_where=text("holds_inmate"),
        ),
    )
    id: Mapped[str] = mapped_column(ForeignKey("submissions.id"), primary_key=True)
    inmate_id: Mapped[str] = mapped_column(ForeignKey("inmates.id"))
    relationship: Mapped[str] = mapped_column(String(20))
    holds_inmate: Mapped[bool] = mapped_column(Boolean, default=True)


class Attempt(Base):
    """One sending of a submission's files (and text); resubmission adds one, history kept."""

    __tablename__ = "attempts"
    __table_args__ = (UniqueConstraint("submission_id", "number"),)
    id: Mapped[str] = mapped_column(Id, primary_key=True, default=new_id)
    submission_id: Mapped[str] = mapped_column(ForeignKey("submissions.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20))
    title: Mapped[str | None] = mapped_column(String(200))
    body: Mapped[str | None] = mapped_column(Text)
    #: Reasons shown to the family: [{code, message, message_en}].
    reasons: Mapped[list[Any]] = mapped_column(default=list)
    flags: Mapped[list[Any]] = mapped_column(default=list)
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    checked_at: Mapped[datetime | None]
    #: Set by the worker that takes the OCR: duplicates of its message stand down meanwhile.
    ocr_started_at: Mapped[datetime | None]
    #: How many times OCR was started: a document that kills or outlasts every try is given up.
    ocr_tries: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    ocr_done_at: Mapped[datetime | None]
    decided_at: Mapped[datetime | None]


class StoredFile(Base):
    __tablename__ = "files"
    id: Mapped[str] = mapped_column(Id, primary_key=True, default=new_id)
    attempt_id: Mapped[str] = mapped_column(ForeignKey("attempts.id"), index=True)
    category: Mapped[str] = mapped_column(String(40))
    #: The client's name, cleaned; only ever shown, never used in a path.
    original_name: Mapped[str] = mapped_column(String(255))
    declared_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(100))
    detected_type: Mapped[str | None] = mapped_column(String(100))
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    pages: Mapped[int | None] = mapped_column(Integer)
    sanitized_key: Mapped[str | None] = mapped_column(String(100))
    sanitized_type: Mapped[str | None] = mapped_column(String(100))
    preview_key: Mapped[str | None] = mapped_column(String(100))


class CheckResult(Base):
    __tablename__ = "check_results"
    # A check run twice on the same attempt stores one result.
    __table_args__ = (UniqueConstraint("attempt_id", "file_key", "code"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    attempt_id: Mapped[str] = mapped_column(ForeignKey("attempts.id"), index=True)
    file_id: Mapped[str | None] = mapped_column(ForeignKey("files.id"))
    #: file_id or "-" for submission-wide checks (NULLs are never equal in a unique index).
    file_key: Mapped[str] = mapped_column(String(36))
    code: Mapped[str] = mapped_column(String(60))
    ok: Mapped[bool] = mapped_column(Boolean)
    message: Mapped[str] = mapped_column(Text)
    message_en: Mapped[str] = mapped_column(Text)


class PrefillField(Base):
    """What OCR read from a document, next to what the family declared (aids, not verdicts)."""

    __tablename__ = "prefill"
    __table_args__ = (UniqueConstraint("attempt_id", "file_id", "field"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    attempt_id: Mapped[str] = mapped_column(ForeignKey("attempts.id"), index=True)
    file_id: Mapped[str] = mapped_column(ForeignKey("files.id"))
    field: Mapped[str] = mapped_column(String(40))
    value: Mapped[str | None] = mapped_column(Text)
    expected: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20))
    confidence: Mapped[float] = mapped_column(default=0.0)
    source_text: Mapped[str] = mapped_column(Text, default="")


class Decision(Base):
    __tablename__ = "decisions"
    __table_args__ = (UniqueConstraint("staff_id", "idempotency_key"),)
    id: Mapped[str] = mapped_column(Id, primary_key=True, default=new_id)
    #: One decision per attempt, whatever retries or double clicks occur.
    attempt_id: Mapped[str] = mapped_column(ForeignKey("attempts.id"), unique=True)
    submission_id: Mapped[str] = mapped_column(ForeignKey("submissions.id"), index=True)
    idempotency_key: Mapped[str] = mapped_column(String(200))
    staff_id: Mapped[str] = mapped_column(ForeignKey("staff.id"))
    decision: Mapped[str] = mapped_column(String(10))
    reason_code: Mapped[str | None] = mapped_column(String(60))
    advice: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)


class OutboxEmail(Base):
    __tablename__ = "outbox"
    id: Mapped[str] = mapped_column(Id, primary_key=True, default=new_id)
    message_id: Mapped[str] = mapped_column(String(200), unique=True)
    to_addr: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    tries: Mapped[int] = mapped_column(Integer, default=0)
    next_try_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Set before handing to SMTP, cleared on failure: a crash in between repeats one send.
    sending_since: Mapped[datetime | None]
    sent_at: Mapped[datetime | None] = mapped_column(index=True)
    #: Given up: the address or message can never be sent (operators see it in `stuck`).
    failed_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)


class AuditEntry(Base):
    """Append-only: every view of a family's file and every reviewer action."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(60))
    action: Mapped[str] = mapped_column(String(40))
    submission_id: Mapped[str | None] = mapped_column(String(36), index=True)
    file_id: Mapped[str | None] = mapped_column(String(36))
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)


class Post(Base):
    """A contact-book entry from a family to the inmate of an approved service application."""

    __tablename__ = "posts"
    id: Mapped[str] = mapped_column(ForeignKey("submissions.id"), primary_key=True)
    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id"), index=True)
    delivered_at: Mapped[datetime | None]
    delivered_by: Mapped[str | None] = mapped_column(ForeignKey("staff.id"))


class Suspension(Base):
    __tablename__ = "suspensions"
    id: Mapped[str] = mapped_column(Id, primary_key=True, default=new_id)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    starts_at: Mapped[datetime]
    until: Mapped[datetime]
    lifted_at: Mapped[datetime | None]
    lifted_by: Mapped[str | None] = mapped_column(String(60))
    lift_reason: Mapped[str | None] = mapped_column(String(40))


class Strike(Base):
    """One human rejection of a post, kept as a record the family may appeal once."""

    __tablename__ = "strikes"
    id: Mapped[str] = mapped_column(Id, primary_key=True, default=new_id)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    submission_id: Mapped[str] = mapped_column(ForeignKey("submissions.id"))
    #: One strike per decision: a retried decision is never counted twice.
    decision_id: Mapped[str] = mapped_column(ForeignKey("decisions.id"), unique=True)
    reason_code: Mapped[str] = mapped_column(String(60))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: The suspension this strike helped cause; such strikes no longer count towards the next.
    suspension_id: Mapped[str | None] = mapped_column(ForeignKey("suspensions.id"))
    appeal_text: Mapped[str | None] = mapped_column(Text)
    appealed_at: Mapped[datetime | None]
    appeal_outcome: Mapped[str | None] = mapped_column(String(20))
    appeal_decided_by: Mapped[str | None] = mapped_column(ForeignKey("staff.id"))
    appeal_decided_at: Mapped[datetime | None]


class InstitutionPost(Base):
    """An entry the institution publishes back to a family (查看機關聯絡簿)."""

    __tablename__ = "institution_posts"
    id: Mapped[str] = mapped_column(Id, primary_key=True, default=new_id)
    institution_id: Mapped[str] = mapped_column(ForeignKey("institutions.id"))
    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id"), index=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    staff_id: Mapped[str] = mapped_column(ForeignKey("staff.id"))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class InstitutionPostFile(Base):
    __tablename__ = "institution_post_files"
    id: Mapped[str] = mapped_column(Id, primary_key=True, default=new_id)
    institution_post_id: Mapped[str] = mapped_column(ForeignKey("institution_posts.id"), index=True)
    #: The staff member's file name, cleaned; only ever shown, never used in a path.
    original_name: Mapped[str] = mapped_column(String(255))
    #: The original as uploaded, kept for the record; never served to the family.
    detected_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(BigInteger)
    storage_key: Mapped[str] = mapped_column(String(100))
    #: The checks' re-encoded copy without metadata: the only file the family gets. None only
    #: for entries published before the checks ran on staff files (never served).
    sanitized_key: Mapped[str | None] = mapped_column(String(100))
    sanitized_type: Mapped[str | None] = mapped_column(String(100))
    sanitized_size: Mapped[int | None] = mapped_column(BigInteger)
