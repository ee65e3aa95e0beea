"""What a family must give to register, checked field by field (SPEC: Accounts)."""

import re
from dataclasses import dataclass
from datetime import date

from email_validator import EmailNotValidError, validate_email

from moderation.errors import invalid_fields
from moderation.national_id import is_valid_national_id, normalise_national_id

_MOBILE = re.compile(r"^09\d{8}$")
_PHONE = re.compile(r"^0\d{1,3}-?\d{5,8}(#\d{1,6})?$")
MIN_PASSWORD_CHARS = 8
MAX_PASSWORD_CHARS = 128


@dataclass(frozen=True)
class Registration:
    name: str
    national_id: str
    email: str
    birth_date: date
    mobile: str
    phone: str
    password: str


def _strip(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def clean_mobile(raw: object) -> str | None:
    value = _strip(raw).replace("-", "").replace(" ", "")
    return value if _MOBILE.match(value) else None


def clean_phone(raw: object) -> str | None:
    value = _strip(raw).replace(" ", "").replace("(", "").replace(")", "-")
    if value == "":
        return ""  # a landline is optional
    return value if _PHONE.match(value) else None


MOBILE_ERROR = ("手機號碼請填 09 開頭的 10 位數字。", "Mobile must be 10 digits starting with 09.")
PHONE_ERROR = ("市話格式不正確，例如 02-23456789。", "Phone must look like 02-23456789.")


def _parse_birth_date(raw: object, today: date) -> date | None:
    try:
        value = date.fromisoformat(_strip(raw))
    except ValueError:
        return None
    return value if date(1900, 1, 1) <= value < today else None


def valid_email(raw: str) -> str | None:
    """One mailbox, checked by email-validator (RFC 5322/6531, no deliverability lookup) and
    kept as the family typed it; None when it is not one (`victim@example.org,attacker`)."""
    if len(raw) > 254:
        return None
    try:
        validate_email(raw, check_deliverability=False)
    except EmailNotValidError:
        return None
    return raw


def validate_registration(raw: dict[str, object], *, today: date) -> Registration:
    """Return a clean registration or raise one 422 naming every wrong field."""
    errors: dict[str, tuple[str, str]] = {}
    name = _strip(raw.get("name"))
    if not (1 <= len(name) <= 50) or any(not c.isprintable() for c in name):
        errors["name"] = ("請填寫姓名（50 字以內）。", "Enter your name (at most 50 characters).")
    national_id = normalise_national_id(_strip(raw.get("national_id")))
    if not is_valid_national_id(national_id):
        errors["national_id"] = (
            "身分證字號格式或檢查碼不正確，請再核對一次。",
            "The national ID number's format or check digit is wrong.",
        )
    email = valid_email(_strip(raw.get("email")))
    if email is None:
        errors["email"] = ("電子郵件格式不正確。", "The email address is not valid.")
    birth_date = _parse_birth_date(raw.get("birth_date"), today)
    if birth_date is None:
        errors["birth_date"] = (
            "出生日期請用西元年-月-日，例如 1980-05-20。",
            "Birth date must be a past date like 1980-05-20.",
        )
    mobile = clean_mobile(raw.get("mobile"))
    if mobile is None:
        errors["mobile"] = MOBILE_ERROR
    phone = clean_phone(raw.get("phone"))
    if phone is None:
        errors["phone"] = PHONE_ERROR
    password = raw.get("password") if isinstance(raw.get("password"), str) else ""
    if not (MIN_PASSWORD_CHARS <= len(password) <= MAX_PASSWORD_CHARS):
        errors["password"] = (
            f"密碼需要 {MIN_PASSWORD_CHARS} 到 {MAX_PASSWORD_CHARS} 個字元。",
            f"Password must be {MIN_PASSWORD_CHARS} to {MAX_PASSWORD_CHARS} characters.",
        )
    elif "password_confirm" in raw and raw.get("password_confirm") != password:
        errors["password_confirm"] = ("兩次輸入的密碼不一樣。", "The two passwords differ.")
    if raw.get("consent") is not True:
        errors["consent"] = (
            "請閱讀並同意個人資料蒐集告知事項。",
            "Please read and agree to the personal-data notice.",
        )
    if errors:
        raise invalid_fields(errors)
    assert birth_date is not None and mobile is not None and phone is not None
    return Registration(name, national_id, email, birth_date, mobile, phone, password)
