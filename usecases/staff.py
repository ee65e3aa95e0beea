"""Staff accounts managed by administrators (review API) and operators (command line).

Every change is written to the audit log, once per institution it concerns, so each
institution's administrators find it among their own entries; the actor is the administrator
(`staff:<id>`) or the operator at the command line (`operator:<login>`). A token is shown once,
when issued; only its hash is kept, with when it was issued and when it expires.
"""

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.security import new_token, token_hash
from moderation.audit import AuditAction
from moderation.errors import Conflict, ErrorCode, Forbidden, NotFound, invalid_fields
from moderation.staff import STAFF_NAME_MAX, StaffMember, StaffRole, manages, token_expiry
from storage.audit import record
from storage.models import Institution, Staff, StaffInstitution, utcnow

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class Issued:
    """A staff member and the token just issued to them (shown once, never stored)."""

    staff: Staff
    token: str


def bound_to(session: Session, staff_id: str) -> frozenset[str]:
    return frozenset(
        session.scalars(
            select(StaffInstitution.institution_id).where(StaffInstitution.staff_id == staff_id)
        )
    )


def _audit(
    session: Session, actor: str, action: AuditAction, staff: Staff, institutions: frozenset[str]
) -> None:
    for institution_id in sorted(institutions) or [None]:
        record(
            session,
            actor,
            action,
            institution_id=institution_id,
            staff_id=staff.id,
            email=staff.email,
            role=staff.role,
        )


def audit_change(
    session: Session,
    actor: str,
    staff: Staff,
    institutions: frozenset[str],
    *,
    before: frozenset[str],
    after: frozenset[str],
) -> None:
    """A role, name or binding change; the institutions left are told too."""
    for institution_id in sorted(institutions) or [None]:
        record(
            session,
            actor,
            AuditAction.STAFF_CHANGED,
            institution_id=institution_id,
            staff_id=staff.id,
            email=staff.email,
            role=staff.role,
            name=staff.name,
            institutions_before=sorted(before),
            institutions_after=sorted(after),
        )


def _issue(staff: Staff, days: int, now: datetime) -> str:
    token = new_token("fbs_")
    staff.token_hash = token_hash(token)
    staff.token_issued_at, staff.token_expires_at = now, token_expiry(now, days)
    return token


def checked_email(email: str) -> str:
    email = email.strip().lower()
    if not _EMAIL.match(email) or len(email) > 254:
        raise invalid_fields({"email": ("電子郵件格式不正確。", "The email address is not valid.")})
    return email


def checked_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > STAFF_NAME_MAX or not name.isprintable():
        raise invalid_fields(
            {
                "name": (
                    f"請填寫姓名（{STAFF_NAME_MAX} 字以內）。",
                    f"Enter a name of at most {STAFF_NAME_MAX} characters.",
                )
            }
        )
    return name


def create(
    session: Session,
    actor: str,
    *,
    email: str,
    name: str | None,
    role: StaffRole,
    institution_ids: frozenset[str],
    days: int,
) -> Issued:
    """A new staff member bound to the institutions. An email already in use is refused: an
    existing account is re-keyed, promoted or re-bound only by its own explicit command."""
    email = checked_email(email)
    name = checked_name(name) if name is not None and name.strip() else None
    if session.scalar(select(Staff.id).where(Staff.email == email)) is not None:
        raise Conflict(
            code=ErrorCode.STAFF_EXISTS,
            message="這個電子郵件已是工作人員帳號；更換憑證、角色或機關請用各自的指令。",
            message_en="Staff with this email exists; rotate, update or bind them explicitly.",
        )
    staff = Staff(email=email, name=name or email, role=role, token_hash="")
    token = _issue(staff, days, utcnow())
    session.add(staff)
    session.flush()
    session.add_all(StaffInstitution(staff_id=staff.id, institution_id=i) for i in institution_ids)
    _audit(session, actor, AuditAction.STAFF_ADDED, staff, institution_ids)
    return Issued(staff, token)


def rotate(session: Session, actor: str, staff: Staff, days: int) -> Issued:
    """A new token; the old one stops at once (only the new hash is kept)."""
    token = _issue(staff, days, utcnow())
    _audit(session, actor, AuditAction.STAFF_TOKEN_ROTATED, staff, bound_to(session, staff.id))
    return Issued(staff, token)


def disable(session: Session, actor: str, staff: Staff, *, keep_an_admin: bool = True) -> None:
    """The staff member is refused from now on, whatever token they hold."""
    if staff.disabled_at is not None:
        return
    if keep_an_admin:
        _ensure_not_last_admin(session, staff)
    staff.disabled_at = utcnow()
    _issue(staff, 0, staff.disabled_at)  # and the token itself is replaced by one never shown
    _audit(session, actor, AuditAction.STAFF_DISABLED, staff, bound_to(session, staff.id))


def _ensure_not_last_admin(session: Session, staff: Staff) -> None:
    """Disabling an institution's last active administrator would leave nobody to manage its
    staff from the API: refused (an operator may still do it at the command line)."""
    if staff.role != StaffRole.ADMIN:
        return
    for institution_id in bound_to(session, staff.id):
        others = session.scalar(
            select(func.count())
            .select_from(Staff)
            .join(StaffInstitution, StaffInstitution.staff_id == Staff.id)
            .where(
                StaffInstitution.institution_id == institution_id,
                Staff.id != staff.id,
                Staff.role == StaffRole.ADMIN,
                Staff.disabled_at.is_(None),
            )
        )
        if not others:
            raise Conflict(
                code=ErrorCode.LAST_ADMIN,
                message="這是機關唯一的管理者，停用前請先新增另一位管理者。",
                message_en="This is an institution's last administrator; add another first.",
            )


def managed_by(session: Session, admin: StaffMember, staff_id: str) -> Staff:
    """The staff member if the administrator manages them: 404 if none of the member's
    institutions is the administrator's, 403 if some are another institution's."""
    staff = session.get(Staff, staff_id)
    institutions = bound_to(session, staff_id) if staff else frozenset()
    if staff is None or not institutions & admin.institution_ids:
        raise NotFound(
            code=ErrorCode.NOT_FOUND,
            message="找不到這位工作人員。",
            message_en="No such staff member among your institutions.",
        )
    if not manages(admin.institution_ids, institutions):
        raise Forbidden(
            code=ErrorCode.FORBIDDEN,
            message="這位工作人員也服務其他機關，請洽該機關管理者或系統管理者。",
            message_en="This staff member also serves other institutions; ask an operator.",
        )
    return staff


def institutions_by_code(session: Session, codes: list[str]) -> dict[str, Institution]:
    found = {
        i.code: i for i in session.scalars(select(Institution).where(Institution.code.in_(codes)))
    }
    missing = [c for c in codes if c not in found]
    if missing:
        raise NotFound(
            code=ErrorCode.INSTITUTION_NOT_FOUND,
            message=f"找不到機關：{'、'.join(missing)}。",
            message_en=f"No such institution: {', '.join(missing)}.",
        )
    return found
