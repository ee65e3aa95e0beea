"""Rejection reasons a reviewer picks from (GET /review/v1/reasons)."""

from dataclasses import dataclass

from moderation.errors import invalid_fields
from moderation.kinds import SubmissionKind

APPLICATION = SubmissionKind.APPLICATION
POST = SubmissionKind.POST


@dataclass(frozen=True)
class Reason:
    code: str
    label: str
    label_en: str
    applies_to: tuple[SubmissionKind, ...]


REASONS: tuple[Reason, ...] = (
    Reason("identity_unreadable", "身分證明文件不清楚，請重新拍攝或掃描。",
           "The identity document cannot be read; please photograph or scan it again.",
           (APPLICATION,)),
    Reason("identity_mismatch", "身分證明文件與註冊資料不符。",
           "The identity document does not match the account.", (APPLICATION,)),
    Reason("relationship_unproven", "關係證明文件無法證明您與收容人的關係，請補上戶籍謄本等文件。",
           "The documents do not prove your relationship to the inmate.", (APPLICATION,)),
    Reason("not_eligible", "不符合本機關的申請資格（子女年齡或關係）。",
           "Not eligible under this institution's rules (child's age or relationship).",
           (APPLICATION,)),
    Reason("photo_unclear", "申請人照片不清楚，請上傳正面清晰照片。",
           "The applicant photo is unclear; please upload a clear front-facing photo.",
           (APPLICATION,)),
    Reason("off_topic", "內容與子女照顧或家庭支持無關。",
           "The content is not about the children's care or family support.", (POST,)),
    Reason("inappropriate_content", "內容或照片不適當（例如暴力、不雅或危害機關安全）。",
           "The content or photo is inappropriate.", (POST,)),
    Reason("coded_or_contact_info", "內容含有電話、網址、暗語或聯絡方式。",
           "The content contains phone numbers, links, codes or contact details.", (POST,)),
    Reason("third_party_privacy", "內容含有他人個人資料。",
           "The content contains other people's personal data.", (POST,)),
    Reason("other", "其他原因，請見審核意見。", "Other; see the reviewer's advice.",
           (APPLICATION, POST)),
)  # fmt: skip

BY_CODE = {reason.code: reason for reason in REASONS}


def reason_for(code: str | None, kind: SubmissionKind) -> Reason:
    reason = BY_CODE.get(code or "")
    if reason is None or kind not in reason.applies_to:
        allowed = ", ".join(r.code for r in REASONS if kind in r.applies_to)
        raise invalid_fields(
            {"reason_code": ("請從清單選擇退件原因。", f"Choose a reason code: {allowed}.")}
        )
    return reason
