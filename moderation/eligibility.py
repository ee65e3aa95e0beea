"""Who may apply for the contact book for which inmate (SPEC: Service application)."""

from dataclasses import dataclass
from datetime import date

from moderation.errors import ErrorCode, Forbidden, invalid_fields
from moderation.policy import Policy
from moderation.relationships import LABELS, Relationship


@dataclass(frozen=True)
class InmateFacts:
    youngest_child_birth_date: date | None
    restricted_until: date | None


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def parse_relationship(raw: str, policy: Policy) -> Relationship:
    try:
        relationship = Relationship(raw)
    except ValueError:
        choices = "、".join(f"{zh}（{r.value}）" for r, (zh, _) in LABELS.items())
        raise invalid_fields(
            {"relationship": (f"請選擇關係：{choices}。", "Choose a relationship code.")}
        ) from None
    if relationship.value not in policy.allowed_relationships:
        zh, en = LABELS[relationship]
        raise invalid_fields(
            {
                "relationship": (
                    f"本機關不受理「{zh}」申請，請洽機關社工。",
                    f"This institution does not accept applications from a {en}.",
                )
            }
        )
    return relationship


def ensure_not_restricted(restricted_until: date | None, *, today: date) -> None:
    """A ban on visits and letters or an isolation excludes the inmate while it lasts."""
    if restricted_until is not None and restricted_until >= today:
        raise Forbidden(
            code=ErrorCode.INMATE_RESTRICTED,
            message="這位收容人目前暫停通信（例如禁止接見通信或隔離中），暫時無法申請或發佈，請日後再試。",
            message_en="This inmate is under a temporary restriction; please try again later.",
            extra={"until": restricted_until.isoformat()},
        )


def ensure_eligible(inmate: InmateFacts, policy: Policy, *, today: date) -> None:
    ensure_not_restricted(inmate.restricted_until, today=today)
    child = inmate.youngest_child_birth_date
    if child is None or age_on(child, today) > policy.max_child_age:
        raise Forbidden(
            code=ErrorCode.CHILD_AGE_NOT_ELIGIBLE,
            message=f"本服務提供給子女在 {policy.max_child_age} 歲以下的收容人家庭。",
            message_en=(
                f"The service is for inmates with a child aged {policy.max_child_age} or under."
            ),
        )
