"""Who may apply for the contact book for which inmate, and who may still post to one
(SPEC: Service application; version 1.1: eligibility lasts)."""

from dataclasses import dataclass
from datetime import date

from moderation.errors import Conflict, ErrorCode, Forbidden, invalid_fields
from moderation.policy import Policy
from moderation.relationships import (
    LABELS,
    MAX_DECLARED_DEGREE,
    Relationship,
    degree_of,
)


@dataclass(frozen=True)
class InmateFacts:
    youngest_child_birth_date: date | None
    restricted_until: date | None


@dataclass(frozen=True)
class Kinship:
    relationship: Relationship
    #: 親等: the code's own degree, or the one declared for `relative`; None for a spouse or
    #: a member of the children's household.
    degree: int | None


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def parse_relationship(raw: str, raw_degree: str | None, policy: Policy) -> Kinship:
    """The declared relationship (and degree for `relative`), refused unless the institution's
    rule admits it: 422 naming the field, with the rule in the seeds' words."""
    try:
        relationship = Relationship(raw)
    except ValueError:
        choices = "、".join(f"{zh}（{r.value}）" for r, (zh, _) in LABELS.items())
        raise invalid_fields(
            {"relationship": (f"請選擇關係：{choices}。", "Choose a relationship code.")}
        ) from None
    degree = degree_of(relationship, _declared_degree(relationship, raw_degree))
    rule = policy.who_may_apply
    if not rule.admits(relationship, degree):
        zh, en = LABELS[relationship]
        if degree is not None and relationship == Relationship.RELATIVE:
            zh, en = f"{degree}親等親屬", f"relative of degree {degree}"
        rule_zh, rule_en = rule.describe()
        raise invalid_fields(
            {
                "relationship": (
                    f"本機關受理{rule_zh}申請，不受理「{zh}」；如有疑問請洽機關。",
                    f"This institution accepts {rule_en}; not a {en}.",
                )
            }
        )
    return Kinship(relationship, degree)


def _declared_degree(relationship: Relationship, raw: str | None) -> int | None:
    if relationship != Relationship.RELATIVE:
        return None
    text = (raw or "").strip()
    if not (text.isascii() and text.isdigit() and 1 <= int(text) <= MAX_DECLARED_DEGREE):
        raise invalid_fields(
            {
                "relationship_degree": (
                    f"「其他親屬」請填親等（1 至 {MAX_DECLARED_DEGREE} 的數字）。",
                    f"For relative, give the degree of kinship, 1 to {MAX_DECLARED_DEGREE}.",
                )
            }
        )
    return int(text)


def ensure_not_restricted(restricted_until: date | None, *, today: date) -> None:
    """A ban on visits and letters or an isolation excludes the inmate while it lasts."""
    if restricted_until is not None and restricted_until >= today:
        raise Forbidden(
            code=ErrorCode.INMATE_RESTRICTED,
            message="這位收容人目前暫停通信（例如禁止接見通信或隔離中），暫時無法申請或發佈，請日後再試。",
            message_en="This inmate is under a temporary restriction; please try again later.",
            extra={"until": restricted_until.isoformat()},
        )


def ensure_child_age(child: date | None, policy: Policy, *, today: date) -> None:
    if child is None or age_on(child, today) > policy.max_child_age:
        raise Forbidden(
            code=ErrorCode.CHILD_AGE_NOT_ELIGIBLE,
            message=f"本服務提供給子女在 {policy.max_child_age} 歲以下的收容人家庭。",
            message_en=(
                f"The service is for inmates with a child aged {policy.max_child_age} or under."
            ),
        )


def ensure_eligible(inmate: InmateFacts, policy: Policy, *, today: date) -> None:
    ensure_not_restricted(inmate.restricted_until, today=today)
    ensure_child_age(inmate.youngest_child_birth_date, policy, today=today)


def ensure_still_eligible(inmate: InmateFacts, policy: Policy, *, today: date) -> None:
    """At every post the application's rules hold again (a child grows up, a restriction
    begins): 409 `not_eligible` with the `reason` the family reads."""
    try:
        ensure_eligible(inmate, policy, today=today)
    except Forbidden as exc:
        if exc.code == ErrorCode.INMATE_RESTRICTED:
            zh = "這位收容人目前暫停通信（例如禁止接見通信或隔離中），暫時無法發佈，請日後再試。"
            en = "This inmate is under a temporary restriction; please try again later."
            reason = "inmate_restricted"
        else:
            zh = (
                f"收容人最小的子女已超過 {policy.max_child_age} 歲，"
                "依機關規定不能再發佈家庭聯絡簿；如有疑問請洽機關。"
            )
            en = (
                f"The inmate's youngest child is over {policy.max_child_age}, so the institution's "
                "rules allow no more posts."
            )
            reason = "child_aged_out"
        raise Conflict(
            code=ErrorCode.NOT_ELIGIBLE,
            message=zh,
            message_en=en,
            extra={"reason": reason, **exc.extra},
        ) from None
