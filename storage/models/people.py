"""Who is in the book: institutions and their inmates, families' accounts, staff."""

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, Id, new_id, utcnow


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
    #: Missing from a full roster import (`--mark-missing-released`); cleared if listed again.
    released_at: Mapped[datetime | None]


class Account(Base):
    __tablename__ = "accounts"
    __table_args__ = (
        # Reviewers search by name prefix (王小…): on PostgreSQL a pattern index serves LIKE
        # 'prefix%' whatever the database's collation.
        Index("ix_accounts_name_prefix", "name", postgresql_ops={"name": "varchar_pattern_ops"}),
    )
    id: Mapped[str] = mapped_column(Id, primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(50))
    national_id: Mapped[str] = mapped_column(String(10), index=True)
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
    #: Shown to other staff wherever an item says who claimed or decided it.
    name: Mapped[str] = mapped_column(String(100), default="", server_default="")
    role: Mapped[str] = mapped_column(String(20))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: The current token's life (FAMILYBOOK_STAFF_TOKEN_DAYS): rotated, it starts again.
    token_issued_at: Mapped[datetime | None]
    token_expires_at: Mapped[datetime | None]
    #: Disabled staff are refused at once, whatever token they hold.
    disabled_at: Mapped[datetime | None]


class StaffInstitution(Base):
    __tablename__ = "staff_institutions"
    staff_id: Mapped[str] = mapped_column(ForeignKey("staff.id"), primary_key=True)
    institution_id: Mapped[str] = mapped_column(ForeignKey("institutions.id"), primary_key=True)
