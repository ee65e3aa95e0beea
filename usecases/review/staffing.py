"""Administrators manage their institutions' staff through the review API: add, rotate a
token, disable. Only staff every one of whose institutions is the administrator's."""

from moderation.errors import ErrorCode, NotFound
from moderation.staff import StaffMember, StaffRole
from usecases import staff as staff_records
from usecases.staff import Issued
from usecases.transaction import UnitOfWork


def add(
    work: UnitOfWork,
    admin: StaffMember,
    *,
    email: str,
    name: str,
    role: StaffRole,
    codes: list[str],
) -> Issued:
    session = work.session
    found = staff_records.institutions_by_code(session, sorted(set(codes)))
    ids = frozenset(i.id for i in found.values())
    if not ids <= admin.institution_ids:
        foreign = sorted(code for code, i in found.items() if i.id not in admin.institution_ids)
        raise NotFound(
            code=ErrorCode.INSTITUTION_NOT_FOUND,
            message=f"找不到機關：{'、'.join(foreign)}。",
            message_en=f"No such institution among yours: {', '.join(foreign)}.",
        )
    issued = staff_records.create(
        session,
        admin.actor,
        email=email,
        name=name,
        role=role,
        institution_ids=ids,
        days=work.rt.settings.staff_token_days,
    )
    work.commit()
    return issued


def rotate(work: UnitOfWork, admin: StaffMember, staff_id: str) -> Issued:
    target = staff_records.managed_by(work.session, admin, staff_id)
    issued = staff_records.rotate(
        work.session, admin.actor, target, work.rt.settings.staff_token_days
    )
    work.commit()
    return issued


def disable(work: UnitOfWork, admin: StaffMember, staff_id: str) -> None:
    target = staff_records.managed_by(work.session, admin, staff_id)
    staff_records.disable(work.session, admin.actor, target)
    work.commit()
