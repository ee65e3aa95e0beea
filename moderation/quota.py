"""How often a family may post to one inmate (SPEC: one post per 30 days, one in flight)."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from moderation.errors import Conflict, ErrorCode, Forbidden
from moderation.policy import Policy
from moderation.statuses import Status
from moderation.taiwan_time import taiwan_time_en, taiwan_time_zh

#: A post in one of these is still being handled: the family must wait for it.
IN_FLIGHT = frozenset(
    {Status.RECEIVED, Status.CHECKING, Status.NEEDS_FIX, Status.AWAITING_REVIEW, Status.IN_REVIEW}
)
#: A post in one of these used the quota; a rejected one did not.
USES_QUOTA = frozenset({Status.APPROVED, Status.DELIVERED})


@dataclass(frozen=True)
class EarlierPost:
    id: str
    status: Status
    submitted_at: datetime


def ensure_not_suspended(suspended_until: datetime | None, now: datetime) -> None:
    if suspended_until is not None and suspended_until > now:
        raise Forbidden(
            code=ErrorCode.SUSPENDED,
            message=(
                f"因多次審核未通過，發佈權限暫停至 {taiwan_time_zh(suspended_until)}，"
                "屆時即可再發佈。"
            ),
            message_en=f"Posting is suspended until {taiwan_time_en(suspended_until)}.",
            extra={"until": suspended_until.isoformat()},
        )


def ensure_quota(
    earlier: list[EarlierPost], policy: Policy, now: datetime, *, replacing: str | None = None
) -> None:
    """Refuse a new post (or a new attempt of `replacing`) that the quota does not allow."""
    others = [p for p in earlier if p.id != replacing]
    if any(p.status in IN_FLIGHT for p in others):
        raise Conflict(
            code=ErrorCode.POST_IN_FLIGHT,
            message="您還有一則聯絡簿正在審核或待補件，請等它完成後再發佈新的一則。",
            message_en="Another post is still being handled; wait for it before sending a new one.",
        )
    used = [p.submitted_at for p in others if p.status in USES_QUOTA]
    if not used:
        return
    next_allowed = max(used) + timedelta(days=policy.post_interval_days)
    if next_allowed > now:
        raise Conflict(
            code=ErrorCode.QUOTA_USED,
            message=f"每 {policy.post_interval_days} 天可發佈一則聯絡簿，下次可發佈的時間是 "
            f"{taiwan_time_zh(next_allowed)}。",
            message_en=f"One post every {policy.post_interval_days} days; the next is allowed "
            f"at {taiwan_time_en(next_allowed)}.",
            extra={"next_allowed_at": next_allowed.isoformat()},
        )
