"""What the system keeps for itself: emails to send, and the append-only audit log."""

from datetime import datetime
from typing import Any

from sqlalchemy import (
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, Id, new_id, utcnow


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
    __table_args__ = (
        Index("ix_audit_log_institution", "institution_id", "id"),
        Index("ix_audit_log_account", "account_id", "id"),
        Index("ix_audit_log_actor", "actor", "id"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(60))
    action: Mapped[str] = mapped_column(String(40))
    submission_id: Mapped[str | None] = mapped_column(String(36), index=True)
    file_id: Mapped[str | None] = mapped_column(String(36))
    #: Whose records the entry concerns, so an administrator finds "who opened this family's
    #: ID card" among their own institutions' entries.
    institution_id: Mapped[str | None] = mapped_column(String(36))
    account_id: Mapped[str | None] = mapped_column(String(36))
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
