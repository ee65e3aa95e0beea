"""What the staff management routes take and answer (administrators only)."""

from pydantic import BaseModel, Field

from moderation.staff import STAFF_NAME_MAX, StaffRole


class StaffIn(BaseModel):
    """A new staff member (POST /staff)."""

    email: str = Field(max_length=254)
    name: str = Field(min_length=1, max_length=STAFF_NAME_MAX, description="顯示給其他工作人員")
    role: StaffRole
    institutions: list[str] = Field(min_length=1, description="機關代碼，須為管理者自己的機關")


class StaffRow(BaseModel):
    """A staff member of the administrator's institutions (GET /staff)."""

    id: str
    email: str
    name: str
    role: StaffRole
    institutions: list[str] = Field(description="機關代碼（管理者可見的）")
    created_at: str
    token_issued_at: str | None
    token_expires_at: str | None
    disabled_at: str | None


class StaffWithToken(StaffRow):
    """The staff member and their new token, shown this once (POST /staff, 201)."""

    token: str = Field(description="只顯示這一次 shown once")


class RotatedToken(BaseModel):
    """A new token; the old one no longer works (POST /staff/{id}/token)."""

    id: str
    token: str = Field(description="只顯示這一次 shown once")
    token_expires_at: str
