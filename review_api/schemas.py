"""What the review API answers: one pydantic model per response body, for OpenAPI and clients.

The item detail is `item_schemas.py`, the queue figures and stuck work `stats_schemas.py`.
As in `ingest.schemas`: the models describe what the routes and `review_api.item_view` compute, in
the order they build it, and timestamps stay the views' ISO 8601 strings with `+00:00`.
"""

from pydantic import BaseModel, Field

from moderation.kinds import SubmissionKind
from moderation.statuses import Status
from moderation.strikes import AppealOutcome
from moderation.triage import OcrState
from review_api.item_schemas import Flag, InmateNamed, StaffRef
from web.code_enums import REASON_CODES
from web.schemas import PostStatus

# --- the queue, claims and decisions ---


class QueueEntry(BaseModel):
    """An item awaiting review, oldest first, with what a reviewer scans the queue for."""

    id: str
    kind: SubmissionKind
    institution: str = Field(description="機關代碼")
    status: Status
    attempt: int
    submitted_at: str
    waiting_s: int = Field(description="已等待秒數")
    claimed_by: str | None = Field(description="認領的審核人員 id")
    flags: list[Flag]
    claimed_by_staff: StaffRef | None = Field(description="認領的審核人員 who holds it")
    family_name: str = Field(description="申請人（家屬）姓名")
    inmate: InmateNamed
    title: str | None = Field(description="聯絡簿標題；申請為 null")
    ocr_state: OcrState = Field(description="文字辨識進度 pending, running, done, gave_up")


class ItemListEntry(QueueEntry):
    """Any item of the reviewer's institutions, decided or not (GET /items)."""

    decided_at: str | None


class Claim(BaseModel):
    """The reviewer's lease on an item (認領)."""

    claimed_by: str
    lease_expires_at: str


class DecisionResult(BaseModel):
    """Where the item stands after the decision (a repeat with the same key answers the same)."""

    status: Status


# --- deliveries, appeals, the institution's book ---


class Delivery(PostStatus):
    """An approved post waiting to be printed or shown to the inmate (GET /deliveries)."""

    inmate: InmateNamed


class Delivered(BaseModel):
    """The post is marked delivered (POST /items/{id}/delivered)."""

    status: Status


class OpenAppeal(BaseModel):
    """A family's appeal against a strike, waiting for an administrator (GET /appeals)."""

    strike_id: str
    account_id: str
    family_name: str = Field(description="家屬姓名")
    post_id: str
    title: str | None = Field(description="被退件的那一次送件的標題 the appealed attempt's title")
    body: str | None = Field(description="被退件的那一次送件的內文")
    reason_code: str = Field(json_schema_extra=REASON_CODES)
    appeal_text: str | None
    appealed_at: str | None


class AppealDecided(BaseModel):
    """The appeal's outcome and the family's strikes that count now."""

    strike_id: str
    outcome: AppealOutcome
    strike_count: int


class PublishedEntry(BaseModel):
    """An entry published to a family's book (POST /institution-posts, 201)."""

    id: str
    application_id: str
    title: str
    created_at: str
