"""What the ingest API answers: one pydantic model per response body, for OpenAPI and clients.

The models describe what the routes and `ingest.views` compute; they never compute anything.
Fields are listed in the order the views build them, so the JSON keeps its key order; a view's
key a model lacks would be dropped from the answer (tests/test_api_schema.py checks none is).
Timestamps stay the views' strings: `isoformat()` of aware UTC datetimes (`…+00:00`), which
pydantic's own datetime output (`…Z`) would change. Dates are `YYYY-MM-DD`.
"""

from typing import Literal

from pydantic import BaseModel, Field, SerializerFunctionWrapHandler, model_serializer

from moderation.relationships import Relationship
from moderation.statuses import Status

#: What a review item is about.
Kind = Literal["application", "post"]


class Sparse(BaseModel):
    """A body with keys the view sends only sometimes: those it left out stay out (no null)."""

    # Unannotated on purpose: a return annotation would replace the model's schema in OpenAPI.
    @model_serializer(mode="wrap")
    def _given_keys_only(self, handler: SerializerFunctionWrapHandler):  # type: ignore[no-untyped-def]
        return {k: v for k, v in handler(self).items() if k in self.model_fields_set}


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


class InmateMasked(BaseModel):
    """An inmate as a family may see them: the callsign and a masked name (王○明)."""

    callsign: str = Field(description="呼號")
    masked_name: str


# --- applications and posts ---


class SubmissionAccepted(BaseModel):
    """An upload stored and waiting for the checks (202)."""

    id: str
    status: Status
    attempt: int = Field(description="第幾次送件")


class Reason(Sparse):
    """Why a submission needs fixing or was refused; a reviewer's reasons carry their advice."""

    code: str
    message: str
    message_en: str
    advice: str | None = Field(None, description="審核意見（只在審核人員退件時出現）")


class InstitutionRef(BaseModel):
    """The institution a submission goes to."""

    code: str
    name: str


class AttemptSummary(BaseModel):
    """One sending of a submission's files, with what came of it."""

    number: int
    status: Status
    title: str | None = Field(description="聯絡簿標題；申請為 null")
    submitted_at: str
    decided_at: str | None
    reasons: list[Reason]


class SubmissionStatus(BaseModel):
    """Where a submission stands, as the family sees it (no reviewer names, no flags)."""

    id: str
    kind: Kind
    institution: InstitutionRef
    status: Status
    status_label: str = Field(description="狀態說明，例如「審核中」")
    status_label_en: str
    reasons: list[Reason] = Field(description="最近一次送件的原因")
    attempt: int = Field(description="目前是第幾次送件")
    attempts: list[AttemptSummary]
    submitted_at: str
    decided_at: str | None


class ApplicationStatus(SubmissionStatus):
    """A service application (服務申請) as the family sees it."""

    kind: Literal["application"]
    inmate: InmateMasked
    relationship: Relationship
    relationship_label: str = Field(description="關係，例如「配偶」")
    relationship_label_en: str


class PostStatus(SubmissionStatus):
    """A contact-book post (聯絡簿) as the family sees it."""

    kind: Literal["post"]
    application_id: str
    title: str
    body: str
    delivered_at: str | None = Field(description="送達收容人的時間")


# --- for routes another change is rewriting: ready to be wired as their response_model ---


class StrikeRecord(BaseModel):
    """A rejected post that counts against the family, and its one appeal (GET /strikes)."""

    id: str
    post_id: str
    reason_code: str
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
