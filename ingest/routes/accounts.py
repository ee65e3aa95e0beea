"""Registration, verification, login and the family's profile."""

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Cookie, Response, status
from pydantic import BaseModel, Field

from ingest.deps import ClientAddress, CurrentFamily, RuntimeDep, SessionDep, WorkDep
from ingest.schemas import AccountCreated, Profile, ResendNotice, SessionOut, Verified
from moderation.registration import MAX_PASSWORD_CHARS
from moderation.taiwan_time import taiwan_date
from storage.models import utcnow
from storage.strike_counts import active_strikes
from usecases import accounts
from web.routing import ReadEndingRoute

router = APIRouter(route_class=ReadEndingRoute, tags=["accounts"])


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
    email: str = Field(max_length=320)
    #: No password is longer (registration's own rule): argon2 never hashes megabytes.
    password: str = Field(max_length=MAX_PASSWORD_CHARS)


#: The known-device cookie (usecases/login_devices.py): sent back only to the login route.
DEVICE_COOKIE = "familybook_device"
DEVICE_COOKIE_DAYS = 365


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
def register(body: RegistrationIn, work: WorkDep, client: ClientAddress) -> dict[str, Any]:
    raw = body.model_dump(exclude_unset=True)
    account = accounts.register(work, raw, today=taiwan_date(), client=client)
    return {"id": account.id, "email": account.email, "verified": False}


@router.post("/accounts/verify", response_model=Verified)
def verify(body: TokenIn, work: WorkDep) -> dict[str, bool]:
    accounts.verify_email(work, body.token)
    return {"verified": True}


@router.post(
    "/accounts/verify/resend", status_code=status.HTTP_202_ACCEPTED, response_model=ResendNotice
)
def resend(body: EmailIn, work: WorkDep, client: ClientAddress) -> dict[str, str]:
    accounts.resend_verification(work, body.email, client=client)
    return {
        "message": "若此信箱已註冊且尚未驗證，驗證信已寄出。",
        "message_en": "If this address has an unverified account, a new link was sent.",
    }


@router.post("/sessions", status_code=status.HTTP_201_CREATED, response_model=SessionOut)
def login(
    body: LoginIn,
    work: WorkDep,
    rt: RuntimeDep,
    client: ClientAddress,
    response: Response,
    familybook_device: Annotated[str | None, Cookie()] = None,
) -> dict[str, str]:
    logged_in = accounts.login(
        work, body.email, body.password, client=client, device=familybook_device
    )
    if logged_in.device_token is not None:
        response.set_cookie(
            DEVICE_COOKIE,
            logged_in.device_token,
            max_age=DEVICE_COOKIE_DAYS * 86400,
            path="/api/v1/sessions",
            secure=rt.settings.public_url.startswith("https://"),
            httponly=True,
            samesite="strict",
        )
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
