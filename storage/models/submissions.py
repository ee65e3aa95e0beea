"""What families send: submissions (applications and posts), their attempts and files, and
what the checks and OCR found in them."""

from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, Id, new_id, utcnow


class Submission(Base):
    """A review item: a service application or a post. Its status is the guarded state."""

    __tablename__ = "submissions"
    __table_args__ = (
        Index("ix_submissions_queue", "institution_id", "status", "submitted_at"),
        # Keyset pages of the queue (oldest or newest first), one range scan per institution.
        Index(
            "ix_submissions_in_queue",
            "institution_id",
            "submitted_at",
            "id",
            sqlite_where=text("status IN ('awaiting_review', 'in_review')"),
            postgresql_where=text("status IN ('awaiting_review', 'in_review')"),
        ),
        # Keyset pages of every item, decided or not (GET /items).
        Index("ix_submissions_all_items", "institution_id", "submitted_at", "id"),
        # Claim-next: the oldest item awaiting review, and lapsed leases (migration 0012).
        Index(
            "ix_submissions_claimable",
            "institution_id",
            "submitted_at",
            "id",
            sqlite_where=text("status = 'awaiting_review'"),
            postgresql_where=text("status = 'awaiting_review'"),
        ),
        Index(
            "ix_submissions_lease",
            "institution_id",
            "lease_expires_at",
            sqlite_where=text("status = 'in_review'"),
            postgresql_where=text("status = 'in_review'"),
        ),
    )
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
    inmate_id: Mapped[str] = mapped_column(ForeignKey("inmates.id"), index=True)
    relationship: Mapped[str] = mapped_column(String(20))
    #: 親等 as declared for `relative` (the other codes have their own, see moderation).
    relationship_degree: Mapped[int | None] = mapped_column(Integer)
    holds_inmate: Mapped[bool] = mapped_column(Boolean, default=True)
    #: Why a withdrawn application or an ended service stopped (`EndReason`), who and when.
    end_reason: Mapped[str | None] = mapped_column(String(30))
    end_note: Mapped[str | None] = mapped_column(Text)
    ended_by: Mapped[str | None] = mapped_column(String(60))
    ended_at: Mapped[datetime | None]


class Post(Base):
    """A contact-book entry from a family to the inmate of an approved service application."""

    __tablename__ = "posts"
    id: Mapped[str] = mapped_column(ForeignKey("submissions.id"), primary_key=True)
    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id"), index=True)
    delivered_at: Mapped[datetime | None]
    delivered_by: Mapped[str | None] = mapped_column(ForeignKey("staff.id"))


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
    #: Of the original bytes: the same document sent by another family is found by it.
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    storage_key: Mapped[str] = mapped_column(String(100))
    detected_type: Mapped[str | None] = mapped_column(String(100))
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    pages: Mapped[int | None] = mapped_column(Integer)
    sanitized_key: Mapped[str | None] = mapped_column(String(100))
    sanitized_type: Mapped[str | None] = mapped_column(String(100))
    preview_key: Mapped[str | None] = mapped_column(String(100))
    #: When retention erased the original, then the sanitized copy and preview (`purge`): the
    #: row stays, for the record of what was received.
    original_erased_at: Mapped[datetime | None]
    copies_erased_at: Mapped[datetime | None]
    #: Perceptual hash of an image (hex), set by the checks: a re-photographed copy of the
    #: same document is near it in Hamming distance (see `PhashBand`).
    phash: Mapped[str | None] = mapped_column(String(64))


class PhashBand(Base):
    """One slice of a file's perceptual hash. Two hashes within the near-duplicate distance
    share at least one whole slice (pigeonhole), so finding candidates is an index lookup on
    (band, value); the exact distance is then computed on the few candidates."""

    __tablename__ = "phash_bands"
    band: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[int] = mapped_column(Integer, primary_key=True)
    file_id: Mapped[str] = mapped_column(
        ForeignKey("files.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class FileDuplicate(Base):
    """The same document in another family's submission, found when the file was checked
    (`storage.duplicates`) and kept both ways: each file's row names the other. Reading an
    item's duplicates is then one index lookup, not a search among every family's files."""

    __tablename__ = "file_duplicates"
    file_id: Mapped[str] = mapped_column(
        ForeignKey("files.id", ondelete="CASCADE"), primary_key=True
    )
    other_file_id: Mapped[str] = mapped_column(
        ForeignKey("files.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    #: `exact` (the same bytes) or `similar` (the same picture taken again).
    match: Mapped[str] = mapped_column(String(10))
    #: Differing bits of the two perceptual hashes (0 for the same bytes): nearest first.
    distance: Mapped[int] = mapped_column(Integer)


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
