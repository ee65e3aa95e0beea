"""What staff do with it: decisions, strikes and suspensions, the institution's own entries."""

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, Id, new_id, utcnow


class Decision(Base):
    __tablename__ = "decisions"
    __table_args__ = (
        UniqueConstraint("staff_id", "idempotency_key"),
        # One standing decision per attempt, whatever retries or double clicks occur; one an
        # administrator reversed (reopen) stays on record beside the next.
        Index(
            "uq_decisions_attempt_standing",
            "attempt_id",
            unique=True,
            sqlite_where=text("reversed_at IS NULL"),
            postgresql_where=text("reversed_at IS NULL"),
        ),
        Index("ix_decisions_staff_decided", "staff_id", "decided_at"),
    )
    id: Mapped[str] = mapped_column(Id, primary_key=True, default=new_id)
    attempt_id: Mapped[str] = mapped_column(ForeignKey("attempts.id"))
    submission_id: Mapped[str] = mapped_column(ForeignKey("submissions.id"), index=True)
    idempotency_key: Mapped[str] = mapped_column(String(200))
    staff_id: Mapped[str] = mapped_column(ForeignKey("staff.id"))
    decision: Mapped[str] = mapped_column(String(10))
    reason_code: Mapped[str | None] = mapped_column(String(60))
    advice: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Set when an administrator reopened the item: the decision no longer stands.
    reversed_at: Mapped[datetime | None]
    reversed_by: Mapped[str | None] = mapped_column(ForeignKey("staff.id"))
    reverse_reason: Mapped[str | None] = mapped_column(Text)


class ReviewNote(Base):
    """A note between staff about an item: never shown to the family, never in their export."""

    __tablename__ = "review_notes"
    __table_args__ = (Index("ix_review_notes_item", "submission_id", "created_at"),)
    id: Mapped[str] = mapped_column(Id, primary_key=True, default=new_id)
    submission_id: Mapped[str] = mapped_column(ForeignKey("submissions.id"))
    staff_id: Mapped[str] = mapped_column(ForeignKey("staff.id"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


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
    #: Set when the rejection behind it was reversed (reopen): it no longer counts or shows.
    withdrawn_at: Mapped[datetime | None]
    #: The family's counting strikes right after the appeal was decided: a repeated decision
    #: answers exactly what the first did.
    appeal_strike_count: Mapped[int | None]


class Suspension(Base):
    __tablename__ = "suspensions"
    id: Mapped[str] = mapped_column(Id, primary_key=True, default=new_id)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    starts_at: Mapped[datetime]
    until: Mapped[datetime]
    lifted_at: Mapped[datetime | None]
    lifted_by: Mapped[str | None] = mapped_column(String(60))
    lift_reason: Mapped[str | None] = mapped_column(String(40))


class InstitutionPost(Base):
    """An entry the institution publishes back to a family (查看機關聯絡簿)."""

    __tablename__ = "institution_posts"
    __table_args__ = (
        UniqueConstraint("staff_id", "idempotency_key", name="uq_institution_posts_staff_key"),
    )
    id: Mapped[str] = mapped_column(Id, primary_key=True, default=new_id)
    institution_id: Mapped[str] = mapped_column(ForeignKey("institutions.id"))
    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id"), index=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    staff_id: Mapped[str] = mapped_column(ForeignKey("staff.id"))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: The staff member's Idempotency-Key: a retried publish answers this entry again.
    idempotency_key: Mapped[str | None] = mapped_column(String(200))


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
