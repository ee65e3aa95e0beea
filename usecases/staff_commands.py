"""Operators' staff commands (`familybook staff …`): each change explicit, each audited with
the operator as the actor. Unlike an administrator, an operator may act on any institution."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from moderation.errors import ErrorCode, InvalidInput, NotFound
from moderation.staff import StaffRole
from storage.models import Institution, Staff, StaffInstitution
from usecases import staff as records
from usecases.runtime import Runtime
from usecases.staff import Issued
from usecases.transaction import transaction


@dataclass(frozen=True)
class StaffListed:
    email: str
    name: str
    role: str
    institutions: tuple[str, ...]
    token_expires_at: datetime | None
    disabled_at: datetime | None


def _role(role: str) -> StaffRole:
    if role not in tuple(StaffRole):
        raise InvalidInput(
            code=ErrorCode.INVALID_ROLE,
            message="角色必須是 reviewer 或 admin。",
            message_en="Role must be reviewer or admin.",
        )
    return StaffRole(role)


def _by_email(session: Session, email: str) -> Staff:
    staff = session.scalar(select(Staff).where(Staff.email == email.strip().lower()))
    if staff is None:
        raise NotFound(
            code=ErrorCode.NOT_FOUND,
            message=f"找不到工作人員 {email}。",
            message_en=f"No staff member {email}.",
        )
    return staff


def add(
    rt: Runtime, email: str, codes: list[str], role: str, *, name: str | None, actor: str
) -> Issued:
    checked = _role(role)
    with transaction(rt) as work:
        found = records.institutions_by_code(work.session, sorted(set(codes)))
        return records.create(
            work.session,
            actor,
            email=email,
            name=name,
            role=checked,
            institution_ids=frozenset(i.id for i in found.values()),
            days=rt.settings.staff_token_days,
        )


def rotate(rt: Runtime, email: str, *, actor: str) -> Issued:
    with transaction(rt) as work:
        staff = _by_email(work.session, email)
        return records.rotate(work.session, actor, staff, rt.settings.staff_token_days)


def disable(rt: Runtime, email: str, *, actor: str) -> None:
    """Disable at once. Unlike the API, an operator may disable a last administrator (an
    account that must stop now matters more than who manages staff meanwhile)."""
    with transaction(rt) as work:
        staff = _by_email(work.session, email)
        records.disable(work.session, actor, staff, keep_an_admin=False)


def update(
    rt: Runtime,
    email: str,
    *,
    actor: str,
    role: str | None = None,
    name: str | None = None,
    bind: list[str] | None = None,
    unbind: list[str] | None = None,
) -> None:
    """Change a role, a name or the institutions served, explicitly; audited."""
    with transaction(rt) as work:
        session = work.session
        staff = _by_email(session, email)
        before = records.bound_to(session, staff.id)
        if role is not None:
            staff.role = _role(role)
        if name is not None:
            staff.name = records.checked_name(name)
        added = records.institutions_by_code(session, sorted(set(bind or [])))
        removed = records.institutions_by_code(session, sorted(set(unbind or [])))
        for institution in added.values():
            if session.get(StaffInstitution, (staff.id, institution.id)) is None:
                session.add(StaffInstitution(staff_id=staff.id, institution_id=institution.id))
        session.execute(
            delete(StaffInstitution).where(
                StaffInstitution.staff_id == staff.id,
                StaffInstitution.institution_id.in_([i.id for i in removed.values()]),
            )
        )
        session.flush()
        after = records.bound_to(session, staff.id)
        records.audit_change(session, actor, staff, before | after, before=before, after=after)


def listing(rt: Runtime, code: str | None = None) -> list[StaffListed]:
    with rt.db.session() as session:
        query = select(Staff).order_by(Staff.email)
        if code is not None:
            institution = records.institutions_by_code(session, [code])[code]
            query = query.join(StaffInstitution).where(
                StaffInstitution.institution_id == institution.id
            )
        rows = session.scalars(query).all()
        codes = {i: c for i, c in session.execute(select(Institution.id, Institution.code))}
        return [
            StaffListed(
                s.email,
                s.name,
                s.role,
                tuple(sorted(codes[i] for i in records.bound_to(session, s.id))),
                s.token_expires_at,
                s.disabled_at,
            )
            for s in rows
        ]
