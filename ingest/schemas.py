"""What the ingest API answers: one pydantic model per response body, for OpenAPI and clients.

The models describe what the routes and `ingest.views` compute; they never compute anything.
Fields are listed in the order the views build them, so the JSON keeps its key order; a view's
key a model lacks would be dropped from the answer (tests/test_api_schema.py checks none is).
Timestamps stay the views' strings: `isoformat()` of aware UTC datetimes (`…+00:00`), which
pydantic's own datetime output (`…Z`) would change. Dates are `YYYY-MM-DD`.
"""

from typing import Literal

from pydantic import BaseModel, Field

from moderation.kinds import SubmissionKind
from moderation.relationships import Relationship
from moderation.statuses import Status
from web.code_enums import REASON_CODES
from web.schemas import InmateMasked, SubmissionStatus

# --- accounts ---


class AccountCreated(BaseModel):
    """The new account (201): it stays unverified until the emailed link is used."""

    id: str
    email: str
    verified: bool = Field(description="註冊時一律為 false")


class Verified(BaseModel):
    """The email address is verified (200)."""

    verified: bool


class ResendNotice(BaseModel):
    """The same words whatever the address: nobody learns which emails are registered (202)."""

    message: str
    message_en: str


class SessionOut(BaseModel):
    """A bearer token for the ingest API and when it stops working."""

    token: str
    expires_at: str = Field(description="到期時間 ISO 8601")


class Profile(BaseModel):
    """The family's own account (GET/PATCH /me); only mobile and phone may change."""

    id: str
    name: str
    national_id: str = Field(description="身分證統一編號")
    email: str
    birth_date: str = Field(description="出生日期 YYYY-MM-DD")
    mobile: str
    phone: str = Field(description="市話，可為空字串")
    verified: bool
    consent_version: str = Field(description="同意的個資告知版本")
    consented_at: str
    strike_count: int = Field(description="目前計入的違規次數")
    suspended_until: str | None = Field(description="停權至（仍在停權中才有值）")


# --- institutions ---


class InstitutionPolicy(BaseModel):
    """An institution's public rules: who may apply, what may be uploaded, how often to post."""

    max_child_age: int = Field(description="子女年齡上限")
    # Codes as `familybook institution add` stored them: not checked against the enum there.
    allowed_relationships: list[str] = Field(description="可申請的關係代碼 (spouse, parent…)")
    applicant_photo_required: bool
    max_files_per_category: int
    max_application_bytes: int
    allowed_types: list[str] = Field(description="可上傳的檔案類型 (MIME)")
    needs_fix_hold_days: int = Field(description="待補件保留收容人的天數")
    allowed_types_by_category: dict[str, list[str]] = Field(
        description="依檔案類別可上傳的類型；未列出的類別用 allowed_types"
    )
    post_interval_days: int = Field(description="兩則聯絡簿之間的天數")
    post_max_files: int
    post_max_bytes: int
    post_max_file_bytes: int
    post_title_max_chars: int
    post_body_max_chars: int
    strikes_to_suspend: int = Field(description="幾次違規後停權")
    suspension_days: int
    appeal_days: int = Field(description="違規後可申訴的天數")
    min_document_pixels_short_side: int
    min_photo_pixels_short_side: int
    max_image_pixels: int
    max_pdf_pages: int
    pdf_view_dpi: int
    pdf_ocr_dpi: int
    pdf_ocr_pages: int


class InstitutionPublic(BaseModel):
    """An institution families may apply to, with its public policy."""

    code: str = Field(description="機關代碼")
    name: str
    policy: InstitutionPolicy


# --- applications and posts ---


class SubmissionAccepted(BaseModel):
    """An upload stored and waiting for the checks (202)."""

    id: str
    status: Status
    attempt: int = Field(description="第幾次送件")


class ApplicationStatus(SubmissionStatus):
    """A service application (服務申請) as the family sees it."""

    kind: Literal[SubmissionKind.APPLICATION]
    inmate: InmateMasked
    relationship: Relationship
    relationship_label: str = Field(description="關係，例如「配偶」")
    relationship_label_en: str


# --- strikes and the institution's book ---


class StrikeRecord(BaseModel):
    """A rejected post that counts against the family, and its one appeal (GET /strikes)."""

    id: str
    post_id: str
    reason_code: str = Field(json_schema_extra=REASON_CODES)
    created_at: str
    counts: bool = Field(description="是否計入停權次數")
    appeal_text: str | None
    appealed_at: str | None
    appeal_outcome: str | None


class InstitutionPostFile(BaseModel):
    """A file attached to an entry of the institution's book."""

    id: str
    name: str
    type: str | None
    size: int | None


class InstitutionPostEntry(BaseModel):
    """An entry the institution published to this family (GET /institution-posts)."""

    id: str
    institution: str = Field(description="機關名稱")
    title: str
    body: str
    created_at: str
    application_id: str
    files: list[InstitutionPostFile]
