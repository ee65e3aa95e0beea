"""What the review API answers for one item (GET /items/{id}): everything to decide it."""

from typing import Annotated, Literal

from pydantic import BaseModel, Field

from moderation.flags import FlagCode
from moderation.kinds import SubmissionKind
from moderation.relationships import Relationship
from moderation.statuses import Status
from moderation.strikes import AppealOutcome
from moderation.triage import OcrState
from moderation.verdicts import Verdict
from storage.duplicates import Match
from web.code_enums import (
    CHECK_CODES,
    FILE_CATEGORIES,
    PREFILL_STATUSES,
    REASON_CODES,
    REASON_CODES_OR_NULL,
)
from web.schemas import Reason

# --- the item detail ---


class StaffRef(BaseModel):
    """A staff member as other staff see them (who claimed, decided or wrote a note)."""

    id: str
    name: str


class Flag(BaseModel):
    """Something in a submission a reviewer should look at twice (a flag, never a verdict)."""

    code: FlagCode
    message: str
    message_en: str


class AppealSeen(BaseModel):
    """The family's appeal of a strike and what became of it."""

    text: str | None
    at: str | None
    outcome: AppealOutcome | None = Field(description="upheld, overruled；null 尚待決定")
    decided_at: str | None


class StrikeSeen(BaseModel):
    """A human rejection of one of the family's posts that counts as a strike."""

    id: str
    at: str | None
    reason_code: str = Field(json_schema_extra=REASON_CODES)
    item_id: str = Field(description="被退件的聯絡簿 id")
    appeal: AppealSeen | None


class ItemFamily(BaseModel):
    """The family behind the item, with what a reviewer weighs (rejections, strikes)."""

    account_id: str
    name: str
    national_id: str
    birth_date: str = Field(description="出生日期 YYYY-MM-DD")
    rejection_count: int = Field(description="歷來被退件次數")
    strike_count: int = Field(description="目前計入的違規次數")
    suspended_until: str | None
    strikes: list[StrikeSeen] = Field(description="違規紀錄（已撤銷者不列）與申訴")


class CheckOutcome(BaseModel):
    """One automatic check on one file (or on the whole submission when `file_id` is null)."""

    file_id: str | None
    code: str = Field(json_schema_extra=CHECK_CODES)
    ok: bool
    message: str
    message_en: str


class FileFacts(BaseModel):
    """A file of the attempt as the checks found it."""

    id: str
    category: str = Field(description="文件類別", json_schema_extra=FILE_CATEGORIES)
    original_name: str
    declared_type: str
    detected_type: str | None
    size: int
    width: int | None
    height: int | None
    pages: int | None
    sanitized: bool = Field(description="有無安全處理後的版本")
    preview: bool
    url: str = Field(description="下載路徑（每次下載都記錄在稽核紀錄）the download path")


class PrefillValue(BaseModel):
    """What OCR read from a document next to what the family declared (an aid, not a verdict)."""

    file_id: str
    field: str = Field(description="name, national_id, birth_date, relationship…")
    value: str | None = Field(description="OCR 讀到的值")
    expected: str | None = Field(description="帳號或收容人資料中的值")
    status: str = Field(description="比對結果", json_schema_extra=PREFILL_STATUSES)
    confidence: float
    source_text: str


class HistoryEntry(BaseModel):
    """An earlier attempt of the item with its decision, if it got one."""

    attempt: int
    status: Status
    submitted_at: str
    decision: Verdict | None = Field(description="approve 或 reject")
    reason_code: str | None = Field(json_schema_extra=REASON_CODES_OR_NULL)
    advice: str | None
    reasons: list[Reason]
    decided_at: str | None
    title: str | None
    body: str | None
    files: list[FileFacts]
    decided_by: StaffRef | None = Field(description="做出決定的審核人員")


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


class InmateDetail(InmateNamed):
    """The inmate, with what decides eligibility (the roster's data)."""

    youngest_child_birth_date: str | None = Field(description="最小子女出生日期 YYYY-MM-DD")
    restricted_until: str | None = Field(description="禁止接見通信至 YYYY-MM-DD")


class Institution(BaseModel):
    code: str
    name: str


class OcrProgress(BaseModel):
    """Where the OCR of the current attempt stands: its flags may still change until done."""

    state: OcrState
    done_at: str | None


class DuplicateSeen(BaseModel):
    """The same document in another family's submission (a borrowed ID card?)."""

    file_id: str = Field(description="本項目的檔案 this item's file")
    item_id: str = Field(description="另一家屬的項目 the other family's item")
    account_id: str
    match: Match = Field(description="exact：同一檔案 same bytes；similar：重拍的同一文件")
    other_file_id: str


class Note(BaseModel):
    """A note between staff about the item: never shown to the family."""

    id: str
    at: str
    text: str
    by: StaffRef | None


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
    claimed_by_staff: StaffRef | None = Field(description="認領的審核人員")
    institution: Institution
    ocr: OcrProgress
    duplicates: list[DuplicateSeen]
    notes: list[Note]


class ApplicationItem(ItemBase):
    """A service application to decide."""

    kind: Literal[SubmissionKind.APPLICATION]
    inmate: InmateDetail
    relationship: Relationship
    relationship_label: str


class PostItem(ItemBase):
    """A post to decide, with the application it belongs to and the family's earlier posts."""

    kind: Literal[SubmissionKind.POST]
    application_id: str
    delivered_at: str | None
    earlier_posts: list[EarlierPost]
    inmate: InmateDetail
    relationship: Relationship
    relationship_label: str


#: GET /items/{id}: which fields come depends on `kind`.
ReviewItem = Annotated[ApplicationItem | PostItem, Field(discriminator="kind")]
