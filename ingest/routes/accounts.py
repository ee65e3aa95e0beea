"""Registration, verification, login and the family's profile."""

from datetime import datetime
from typing import Any

from fastapi import APIRouter, status
from pydantic import BaseModel

from ingest.deps import CurrentFamily, SessionDep, WorkDep
from ingest.schemas import AccountCreated, Profile, ResendNotice, SessionOut, Verified
from moderation.taiwan_time import taiwan_date
from storage.models import utcnow
from storage.strike_counts import active_strikes
from usecases import accounts

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
def register(body: RegistrationIn, work: WorkDep) -> dict[str, Any]:
    account = accounts.register(work, body.model_dump(exclude_unset=True), today=taiwan_date())
    return {"id": account.id, "email": account.email, "verified": False}


@router.post("/accounts/verify", response_model=Verified)
def verify(body: TokenIn, work: WorkDep) -> dict[str, bool]:
    accounts.verify_email(work, body.token)
    return {"verified": True}


@router.post(
    "/accounts/verify/resend", status_code=status.HTTP_202_ACCEPTED, response_model=ResendNotice
)
def resend(body: EmailIn, work: WorkDep) -> dict[str, str]:
    accounts.resend_verification(work, body.email)
    return {
        "message": "若此信箱已註冊且尚未驗證，驗證信已寄出。",
        "message_en": "If this address has an unverified account, a new link was sent.",
    }


@router.post("/sessions", status_code=status.HTTP_201_CREATED, response_model=SessionOut)
def login(body: LoginIn, work: WorkDep) -> dict[str, str]:
    logged_in = accounts.login(work, body.email, body.password)
    return {"token": logged_in.token, "expires_at": logged_in.expires_at.isoformat()}


def _active_until(until: datetime | None) -> str | None:
    return until.isoformat() if until is not None and until > utcnow() else None


@router.get("/me", response_model=Profile)
def me(account: CurrentFamily, session: SessionDep) -> dict[str, Any]:
    return profile(account, active_strikes(session, account.id))


@router.patch("/me", response_model=Profile)
def update_me(body: ProfilePatch, account: CurrentFamily, work: WorkDep) -> dict[str, Any]:
    updated = accounts.update_profile(work, account, body.model_dump(exclude_unset=True))
    return profile(updated, active_strikes(work.session, account.id))
