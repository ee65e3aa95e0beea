"""Strikes: human rejections of posts, and when they suspend a family (SPEC: Posts)."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from moderation.errors import Conflict, ErrorCode, Forbidden, NotFound
from moderation.policy import Policy, SuspensionMode
from moderation.taiwan_time import add_months_taiwan

APPEAL_MAX_CHARS = 200


class AppealVerdict(StrEnum):
    """What an administrator answers an appeal (the request's `outcome`)."""

    UPHOLD = "uphold"
    OVERRULE = "overrule"

    @property
    def outcome(self) -> "AppealOutcome":
        return AppealOutcome.UPHELD if self == AppealVerdict.UPHOLD else AppealOutcome.OVERRULED


class AppealOutcome(StrEnum):
    """What became of an appeal, as the strike records it and the family reads it."""

    UPHELD = "upheld"
    #: The strike stops counting (and a suspension it helped cause and that still runs ends).
    OVERRULED = "overruled"


class SuspensionState(StrEnum):
    #: Keeps the family from posting to the institution until it ends or is lifted.
    ACTIVE = "active"
    #: The threshold was reached under `suspension_mode: proposed`: waits for an administrator.
    PROPOSED = "proposed"
    #: An administrator chose not to suspend (its strikes stay used: they do not count again).
    DISMISSED = "dismissed"


@dataclass(frozen=True)
class SuspensionPlan:
    starts_at: datetime
    until: datetime
    state: SuspensionState


def suspension_end(starts_at: datetime, policy: Policy) -> datetime:
    """「暫停…使用權限 1 個月」: calendar months in Taiwan (plus any extra days), not 30 days."""
    months_later = add_months_taiwan(starts_at, policy.suspension_months)
    return months_later + timedelta(days=policy.suspension_days)


def suspension_due(active_strikes: int, policy: Policy, now: datetime) -> SuspensionPlan | None:
    """At the policy's count of counted strikes (「退件累計 3 次以上」) the family is suspended
    from this moment, or, when the institution confirms each one (「機關得暫停」), a suspension
    is proposed."""
    if active_strikes < policy.strikes_to_suspend:
        return None
    proposed = policy.suspension_mode == SuspensionMode.PROPOSED
    state = SuspensionState.PROPOSED if proposed else SuspensionState.ACTIVE
    return SuspensionPlan(now, suspension_end(now, policy), state)


def suspension_running(*, until: datetime, lifted_at: datetime | None, now: datetime) -> bool:
    """A suspension still keeps the family from posting: neither over nor lifted early."""
    return lifted_at is None and until > now


def liftable(caused_by: dict[str, frozenset[str]], institution_ids: frozenset[str]) -> list[str]:
    """Of the running suspensions (id → institutions whose post rejections caused it), those an
    administrator of `institution_ids` may end early. Only a causing institution may, so that
    one institution cannot undo another's sanction: Forbidden when suspensions run and none is
    theirs; NotFound (`not_suspended`) when none runs at all."""
    if not caused_by:
        raise NotFound(
            code=ErrorCode.NOT_SUSPENDED,
            message="這個帳號目前沒有暫停中的發佈權限，不需要解除。",
            message_en="This account is not suspended.",
        )
    mine = [sid for sid, causes in caused_by.items() if causes & institution_ids]
    if not mine:
        raise Forbidden(
            code=ErrorCode.SUSPENSION_OF_OTHER_INSTITUTION,
            message="這次暫停是其他機關的審核結果造成的，只有該機關的管理者可以提前解除。",
            message_en="Another institution's rejections caused this suspension; only its "
            "administrators may lift it.",
        )
    return mine


def ensure_appealable(
    *, appealed_at: datetime | None, created_at: datetime, now: datetime, policy: Policy
) -> None:
    if appealed_at is not None:
        raise Conflict(
            code=ErrorCode.ALREADY_APPEALED,
            message="這次未通過紀錄已經申訴過了（每次限申訴一次）。",
            message_en="This strike was already appealed (once only).",
        )
    deadline = created_at + timedelta(days=policy.appeal_days)
    if now > deadline:
        raise Forbidden(
            code=ErrorCode.APPEAL_TOO_LATE,
            message=f"申訴期限（{policy.appeal_days} 天）已過。",
            message_en=f"The appeal period of {policy.appeal_days} days is over.",
            extra={"deadline": deadline.isoformat()},
        )
