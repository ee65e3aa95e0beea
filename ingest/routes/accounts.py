"""Registration, verification, login and the family's profile."""

from datetime import datetime
from typing import Any

from fastapi import APIRouter, status
from pydantic import BaseModel

from ingest import accounts
from ingest.deps import CurrentFamily, RuntimeDep, SessionDep
from ingest.schemas import AccountCreated, Profile, ResendNotice, SessionOut, Verified
from moderation.errors import InvalidInput, invalid_fields
from moderation.registration import MOBILE_ERROR, PHONE_ERROR, clean_mobile, clean_phone
from moderation.taiwan_time import taiwan_date
from storage.models import utcnow
from storage.strike_counts import active_strikes
from workers.actors import wake_email

router = APIRouter(tags=["accounts"])


class RegistrationIn(BaseModel):
    """Everything the registration form sends; each field is checked by the domain rules."""

    name: str | None = None
    national_id: str | None = None
    email: str | None = None
    birth_date: str | None = None
    mobile: str | None = None
    phone: str | None = None
    password: str | None = None
    password_confirm: str | None = None
    consent: bool | None = None


class TokenIn(BaseModel):
    token: str


class EmailIn(BaseModel):
    email: str


class LoginIn(BaseModel):
    email: str
    password: str


class ProfilePatch(BaseModel):
    """Only these may change after registration; anything else is refused by name."""

    model_config = {"extra": "allow"}
    mobile: str | None = None
    phone: str | None = None


def profile(account: Any, strike_count: int = 0) -> dict[str, Any]:
    return {
        "id": account.id,
        "name": account.name,
        "national_id": account.national_id,
        "email": account.email,
        "birth_date": account.birth_date.isoformat(),
        "mobile": account.mobile,
        "phone": account.phone,
        "verified": account.verified_at is not None,
        "consent_version": account.consent_version,
        "consented_at": account.consented_at.isoformat(),
        "strike_count": strike_count,
        "suspended_until": _active_until(account.suspended_until),
    }


@router.post("/accounts", status_code=status.HTTP_201_CREATED, response_model=AccountCreated)
def register(body: RegistrationIn, session: SessionDep, rt: RuntimeDep) -> dict[str, Any]:
    raw = body.model_dump(exclude_unset=True)
    account, email_id = accounts.register(session, rt.settings, raw, today=taiwan_date())
    session.commit()
    wake_email(email_id)
    return {"id": account.id, "email": account.email, "verified": False}


@router.post("/accounts/verify", response_model=Verified)
def verify(body: TokenIn, session: SessionDep) -> dict[str, bool]:
    accounts.verify_email(session, body.token)
    session.commit()
    return {"verified": True}


@router.post(
    "/accounts/verify/resend", status_code=status.HTTP_202_ACCEPTED, response_model=ResendNotice
)
def resend(body: EmailIn, session: SessionDep, rt: RuntimeDep) -> dict[str, str]:
    email_id = accounts.resend_verification(session, rt.settings, body.email)
    session.commit()
    if email_id:
        wake_email(email_id)
    return {
        "message": "若此信箱已註冊且尚未驗證，驗證信已寄出。",
        "message_en": "If this address has an unverified account, a new link was sent.",
    }


@router.post("/sessions", status_code=status.HTTP_201_CREATED, response_model=SessionOut)
def login(body: LoginIn, session: SessionDep, rt: RuntimeDep) -> dict[str, str]:
    token, expires_at = accounts.login(session, rt.settings, body.email, body.password)
    session.commit()
    return {"token": token, "expires_at": expires_at.isoformat()}


def _active_until(until: datetime | None) -> str | None:
    return until.isoformat() if until is not None and until > utcnow() else None


@router.get("/me", response_model=Profile)
def me(account: CurrentFamily, session: SessionDep) -> dict[str, Any]:
    return profile(account, active_strikes(session, account.id))


@router.patch("/me", response_model=Profile)
def update_me(body: ProfilePatch, account: CurrentFamily, session: SessionDep) -> dict[str, Any]:
    others = sorted(set(body.model_dump(exclude_unset=True)) - {"mobile", "phone"})
    if others:
        raise InvalidInput(
            code="field_not_changeable",
            message="註冊後只能修改手機與市話；其他資料請洽機關。",
            message_en="Only mobile and phone can be changed after registration.",
            fields={f: "不可修改 cannot be changed" for f in others},
        )
    errors: dict[str, tuple[str, str]] = {}
    if body.mobile is not None:
        mobile = clean_mobile(body.mobile)
        if mobile is None:
            errors["mobile"] = MOBILE_ERROR
        else:
            account.mobile = mobile
    if body.phone is not None:
        phone = clean_phone(body.phone)
        if phone is None:
            errors["phone"] = PHONE_ERROR
        else:
            account.phone = phone
    if errors:
        session.rollback()
        raise invalid_fields(errors)
    session.commit()
    return profile(account, active_strikes(session, account.id))
