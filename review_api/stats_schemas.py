"""The review API's reference data and figures: reasons, queue statistics, stuck work."""

from typing import Any

from pydantic import BaseModel, Field

from moderation.kinds import SubmissionKind
from moderation.statuses import Status
from web.code_enums import REASON_CODES
from web.schemas import Sparse

# --- reference data and figures ---


class ReasonOption(BaseModel):
    """A rejection reason a reviewer may pick, and the kinds of item it applies to."""

    code: str = Field(json_schema_extra=REASON_CODES)
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
