"""How a service (an approved application) or an application still in progress stops.

Version 1.1: 「服務…結束」 when the family asks, the inmate is released or transferred, or the
youngest child is past the age; then another family may apply for the inmate.
"""

from enum import StrEnum

from moderation.errors import Conflict, ErrorCode
from moderation.statuses import FAMILY_LABELS, Status


class EndReason(StrEnum):
    FAMILY_REQUEST = "family_request"
    RELEASED = "released"
    TRANSFERRED = "transferred"
    CHILD_AGED_OUT = "child_aged_out"
    OTHER = "other"


END_REASON_LABELS: dict[EndReason, tuple[str, str]] = {
    EndReason.FAMILY_REQUEST: ("家屬申請終止", "at the family's request"),
    EndReason.RELEASED: ("收容人已出監（所）", "the inmate was released"),
    EndReason.TRANSFERRED: ("收容人已移監", "the inmate was transferred"),
    EndReason.CHILD_AGED_OUT: ("子女已超過申請年齡", "the youngest child is past the age"),
    EndReason.OTHER: ("其他", "other reasons"),
}

#: An application the family may still take back (not yet a service, not over).
WITHDRAWABLE = frozenset(
    {
        Status.RECEIVED,
        Status.CHECKING,
        Status.NEEDS_FIX,
        Status.AWAITING_REVIEW,
        Status.IN_REVIEW,
        Status.REJECTED,
    }
)


def stop_target(current: Status) -> Status:
    """What withdrawing makes of an application: an approved one ends, one in progress is
    withdrawn; one already over cannot stop again (409)."""
    if current == Status.APPROVED:
        return Status.ENDED
    if current in WITHDRAWABLE:
        return Status.WITHDRAWN
    zh = FAMILY_LABELS[current][0]
    raise Conflict(
        code=ErrorCode.NOT_WITHDRAWABLE,
        message=f"這筆服務申請目前是「{zh}」，不能再撤回或終止。",
        message_en=f"An application that is {current.value} cannot be withdrawn or ended.",
    )


def ensure_active_service(current: Status) -> None:
    """Staff end only a running service (an approved application)."""
    if current != Status.APPROVED:
        zh = FAMILY_LABELS[current][0]
        raise Conflict(
            code=ErrorCode.NOT_WITHDRAWABLE,
            message=f"只有使用中的服務（審核通過）可以終止；這筆是「{zh}」。",
            message_en=f"Only an active (approved) service can be ended; this one is "
            f"{current.value}.",
        )


def service_ended() -> Conflict:
    return Conflict(
        code=ErrorCode.SERVICE_ENDED,
        message="這項家庭聯絡簿服務已終止，不能再發佈；如需繼續使用，請重新提出服務項目申請。",
        message_en="This contact-book service has ended; apply again to use it.",
    )
