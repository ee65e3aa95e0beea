"""What the review API answers for one item (GET /items/{id}): everything to decide it."""

from typing import Annotated, Literal

from pydantic import BaseModel, Field

from moderation.flags import FlagCode
from moderation.kinds import SubmissionKind
from moderation.relationships import Relationship
from moderation.statuses import Status
from web.schemas import Reason

# --- the item detail ---


class Flag(BaseModel):
    """Something in a submission a reviewer should look at twice (a flag, never a verdict)."""

    code: FlagCode
    message: str
    message_en: str


class ItemFamily(BaseModel):
    """The family behind the item, with what a reviewer weighs (rejections, strikes)."""

    account_id: str
    name: str
    national_id: str
    birth_date: str = Field(description="出生日期 YYYY-MM-DD")
    rejection_count: int = Field(description="歷來被退件次數")
    strike_count: int = Field(description="目前計入的違規次數")
    suspended_until: str | None


class CheckOutcome(BaseModel):
    """One automatic check on one file (or on the whole submission when `file_id` is null)."""

    file_id: str | None
    code: str
    ok: bool
    message: str
    message_en: str


class FileFacts(BaseModel):
    """A file of the attempt as the checks found it."""

    id: str
    category: str = Field(description="identity_documents, relationship_documents…")
    original_name: str
    declared_type: str
    detected_type: str | None
    size: int
    width: int | None
    height: int | None
    pages: int | None
    sanitized: bool = Field(description="有無安全處理後的版本")
    preview: bool


class PrefillValue(BaseModel):
    """What OCR read from a document next to what the family declared (an aid, not a verdict)."""

    file_id: str
    field: str = Field(description="name, national_id, birth_date, relationship…")
    value: str | None = Field(description="OCR 讀到的值")
    expected: str | None = Field(description="帳號或收容人資料中的值")
    status: str = Field(description="match, mismatch, not_found")
    confidence: float
    source_text: str


class HistoryEntry(BaseModel):
    """An earlier attempt of the item with its decision, if it got one."""

    attempt: int
    status: Status
    submitted_at: str
    decision: str | None = Field(description="approve 或 reject")
    reason_code: str | None
    advice: str | None
    reasons: list[Reason]
    decided_at: str | None


class EarlierPost(BaseModel):
    """Another post under the same service application, newest first."""

    id: str
    title: str | None
    status: Status
    submitted_at: str
    decided_at: str | None


class InmateNamed(BaseModel):
    """The inmate, with the full name staff may see."""

    callsign: str
    name: str


class ItemBase(BaseModel):
    """What every review item shows."""

    id: str
    kind: SubmissionKind
    status: Status
    attempt: int
    submitted_at: str
    claimed_by: str | None
    lease_expires_at: str | None
    family: ItemFamily
    title: str | None = Field(description="聯絡簿標題；申請為 null")
    body: str | None
    checks: list[CheckOutcome]
    files: list[FileFacts]
    prefill: list[PrefillValue]
    flags: list[Flag]
    history: list[HistoryEntry]


class ApplicationItem(ItemBase):
    """A service application to decide."""

    kind: Literal[SubmissionKind.APPLICATION]
    inmate: InmateNamed
    relationship: Relationship
    relationship_label: str
    relationship_degree: int | None = Field(description="親等（其他親屬為申請人所填）")


class PostItem(ItemBase):
    """A post to decide, with the application it belongs to and the family's earlier posts."""

    kind: Literal[SubmissionKind.POST]
    application_id: str
    delivered_at: str | None
    earlier_posts: list[EarlierPost]
    inmate: InmateNamed
    relationship: Relationship
    relationship_label: str
    relationship_degree: int | None = Field(description="親等（其他親屬為申請人所填）")


#: GET /items/{id}: which fields come depends on `kind`.
ReviewItem = Annotated[ApplicationItem | PostItem, Field(discriminator="kind")]
