"""What an administrator sets or corrects by hand, audited: an inmate's restriction (a ban on
visits and letters, an isolation) and a family's locked registration fields."""

from datetime import date
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from moderation.audit import AuditAction
from moderation.corrections import validate_correction
from moderation.errors import ErrorCode, NotFound, invalid_fields
from moderation.inmates import ensure_callsign_format
from moderation.staff import StaffMember
from moderation.taiwan_time import taiwan_date
from moderation.text import clean_text
from storage.audit import record
from storage.models import Account, AuthToken, Inmate
from storage.queries import find_inmate
from usecases.accounts import _email_taken, _send_verification
from usecases.suspensions import ensure_serves_family
from usecases.transaction import UnitOfWork

REASON_MAX_CHARS = 200


def _inmate(work: UnitOfWork, admin: StaffMember, code: str, callsign: str) -> Inmate:
    institution, inmate = find_inmate(work.session, code, ensure_callsign_format(callsign))
    if institution.id not in admin.institution_ids:
        # Another institution's roster is not the administrator's to see: as if absent.
        raise NotFound(
            code=ErrorCode.INSTITUTION_NOT_FOUND,
            message="找不到這個機關。",
            message_en="No such institution among yours.",
        )
    return inmate


def set_restriction(
    work: UnitOfWork, admin: StaffMember, code: str, callsign: str, until: date, reason: str
) -> Inmate:
    """The inmate is excluded (applications and posts) up to and including `until`."""
    if until < taiwan_date():
        raise invalid_fields({"until": ("日期已過。", "The date is in the past.")})
    inmate = _inmate(work, admin, code, callsign)
    inmate.restricted_until = until
    inmate.restriction_reason = clean_text(
        reason, field="reason", max_chars=REASON_MAX_CHARS, allow_newlines=False
    )
    record(
        work.session,
        admin.actor,
        AuditAction.SET_RESTRICTION,
        inmate_id=inmate.id,
        until=until.isoformat(),
        reason=inmate.restriction_reason,
    )
    work.commit()
    return inmate


def lift_restriction(work: UnitOfWork, admin: StaffMember, code: str, callsign: str) -> Inmate:
    inmate = _inmate(work, admin, code, callsign)
    before = inmate.restricted_until
    inmate.restricted_until, inmate.restriction_reason = None, None
    record(
        work.session,
        admin.actor,
        AuditAction.LIFT_RESTRICTION,
        inmate_id=inmate.id,
        was_until=before.isoformat() if before else None,
    )
    work.commit()
    return inmate


def correct_account(
    work: UnitOfWork, admin: StaffMember, account_id: str, changes: dict[str, Any], note: str
) -> Account:
    """An administrator of an institution serving the family corrects its locked fields on its
    request. A new email address must be verified again: its sessions end and a link goes to
    the new address (until it is used, the family cannot log in)."""
    session = work.session
    ensure_serves_family(session, admin, account_id)
    account = session.scalar(select(Account).where(Account.id == account_id).with_for_update())
    assert account is not None
    current = {
        "name": account.name,
        "national_id": account.national_id,
        "email": account.email,
        "birth_date": account.birth_date,
        "mobile": account.mobile,
        "phone": account.phone,
    }
    clean = validate_correction(current, changes, today=taiwan_date())
    before = {name: str(current[name]) for name in clean}
    for name, value in clean.items():
        setattr(account, name, value)
    email_changed = "email" in clean and clean["email"].lower() != account.email_key
    if email_changed:
        taken = session.scalar(
            select(Account.id).where(Account.email_key == clean["email"].lower())
        )
        if taken is not None:
            raise _email_taken()
        account.email_key, account.verified_at = clean["email"].lower(), None
        session.execute(delete(AuthToken).where(AuthToken.account_id == account.id))
        try:
            session.flush()
        except IntegrityError:
            raise _email_taken() from None
        _send_verification(work, account)
    record(
        session,
        admin.actor,
        AuditAction.CORRECT_ACCOUNT,
        account_id=account.id,
        before=before,
        after={name: str(value) for name, value in clean.items()},
        note=clean_text(note, field="note", max_chars=REASON_MAX_CHARS),
    )
    work.commit()
    return account
