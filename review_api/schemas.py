"""What the review API answers: one pydantic model per response body, for OpenAPI and clients.

As in `ingest.schemas`: the models describe what the routes and `review_api.item_view` compute, in
the order they build it, and timestamps stay the views' ISO 8601 strings with `+00:00`.
"""

from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from moderation.flags import FlagCode
from moderation.kinds import SubmissionKind
from moderation.relationships import Relationship
from moderation.statuses import Status
from moderation.strikes import AppealOutcome
from web.schemas import PostStatus, Reason, Sparse

# --- the queue, claims and decisions ---


class Flag(BaseModel):
    """Something in a submission a reviewer should look at twice (a flag, never a verdict)."""

    code: FlagCode
    message: str
    message_en: str


class QueueEntry(BaseModel):
    """An item awaiting review, oldest first."""

    id: str
    kind: SubmissionKind
    institution: str = Field(description="機關代碼")
    status: Status
    attempt: int
    submitted_at: str
    waiting_s: int = Field(description="已等待秒數")
    claimed_by: str | None = Field(description="認領的審核人員 id")
    flags: list[Flag]


class Claim(BaseModel):
    """The reviewer's lease on an item (認領)."""

    claimed_by: str
    lease_expires_at: str


class DecisionResult(BaseModel):
    """Where the item stands after the decision (a repeat with the same key answers the same)."""

    status: Status


# --- the item detail ---


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


class PostItem(ItemBase):
    """A post to decide, with the application it belongs to and the family's earlier posts."""

    kind: Literal[SubmissionKind.POST]
    application_id: str
    delivered_at: str | None
    earlier_posts: list[EarlierPost]
    inmate: InmateNamed
    relationship: Relationship
    relationship_label: str


#: GET /items/{id}: which fields come depends on `kind`.
ReviewItem = Annotated[ApplicationItem | PostItem, Field(discriminator="kind")]


# --- reference data and figures ---


class ReasonOption(BaseModel):
    """A rejection reason a reviewer may pick, and the kinds of item it applies to."""

    code: str
    label: str
    label_en: str
    applies_to: list[SubmissionKind]


class QueueFigures(BaseModel):
    """One institution's queue of one kind of item."""

    institution: str
    kind: SubmissionKind
    by_status: dict[str, int] = Field(description="各狀態的件數")
    queue_length: int = Field(description="待審與審核中件數")
    oldest_waiting_s: int


class StuckSubmission(BaseModel):
    """A submission left in received or checking longer than the sweeper allows."""

    id: str
    kind: SubmissionKind
    institution: str
    status: Status
    attempt: int
    status_changed_at: str
    stuck_s: int


class FailingEmail(BaseModel):
    """An email not sent yet that failed at least once, or whose send seems abandoned."""

    id: str
    to: str = Field(description="遮蔽後的收件地址")
    tries: int
    last_error: str | None
    created_at: str
    next_try_at: str | None
    sending_since: str | None
    given_up_at: str | None


class DeadMessage(Sparse):
    """A message dramatiq gave up on; what its body says, when it could be read."""

    redis_message_id: str
    dead_at: str
    actor: str | None = None
    args: list[Any] | None = None
    message_id: str | None = None
    retries: int | None = None
    error: str | None = Field(None, description="traceback 的最後一行")
    undecodable: bool | None = None


class DeadQueue(BaseModel):
    """A queue's dead letters: the count, and at most the first 50."""

    count: int
    messages: list[DeadMessage]


class BrokerUnreachable(BaseModel):
    """Dead letters could not be read: the broker is down."""

    error: str


class StuckCounts(BaseModel):
    """How much of each kind of stuck work there is (complete, unlike the lists)."""

    stuck_submissions: int
    failing_emails: int
    dead_letters: int


class StuckReport(BaseModel):
    """Stuck and dead work for operators (also `familybook stuck`)."""

    generated_at: str
    stuck_after_s: int
    counts: StuckCounts
    stuck_submissions: list[StuckSubmission]
    failing_emails: list[FailingEmail]
    dead_letters: dict[str, DeadQueue] | BrokerUnreachable | None = Field(
        description="每個佇列的死信；內建 broker 為 null"
    )


class Stats(BaseModel):
    """Queue length and waiting time per institution and kind, and the stuck report."""

    queues: list[QueueFigures]
    stuck: StuckReport


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
    post_id: str
    reason_code: str
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
