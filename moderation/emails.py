"""The words of every email, Traditional Chinese first and English beside (SPEC: Emails).

Pure functions: they return a subject and a plain-text body; the outbox stores and sends them.
"""

from dataclasses import dataclass
from datetime import datetime

from moderation.kinds import SubmissionKind
from moderation.taiwan_time import taiwan_time_en, taiwan_time_zh

SIGNATURE = "\n\n法務部矯正署 家庭聯絡簿\nFamily contact book (Familybook)\n"


@dataclass(frozen=True)
class Email:
    to: str
    subject: str
    body: str


def verification(*, to: str, link: str, minutes: int) -> Email:
    body = (
        "您好：\n"
        "您於【家庭聯絡簿】註冊帳號成功，請點選下方連結進行帳號驗證。\n"
        f"{link}\n"
        f"*此驗證信將於{minutes}分鐘後失效，失效後請重新申請。\n\n"
        "Hello,\nYour Familybook account was created. Open the link above to verify your "
        f"email address. The link expires in {minutes} minutes; after that, ask for a new one."
    )
    return Email(to, "家庭聯絡簿註冊通知 Familybook: verify your email", body + SIGNATURE)


def _summary(institution: str, relationship: str, title: str | None) -> str:
    lines = [f"聯絡對象：{institution}", f"與申請對象關係：{relationship}"]
    if title is not None:
        lines.append(f"聯絡簿主旨：{title}")
    return "\n".join(lines)


def decision(
    *,
    to: str,
    kind: SubmissionKind,
    approved: bool,
    institution: str,
    relationship: str,
    title: str | None = None,
    reason: str | None = None,
    reason_en: str | None = None,
    advice: str | None = None,
) -> Email:
    is_application = kind == SubmissionKind.APPLICATION
    what = "家庭聯絡簿服務項目申請" if is_application else "發佈家庭聯絡簿"
    what_en = "service application" if is_application else "contact-book post"
    result = "審核通過" if approved else "審核未通過"
    lines = [
        "您好：",
        f"您於【家庭聯絡簿】{what}審核結果為「{result}」。",
        "申請內容：" if is_application else "聯絡簿內容：",
        _summary(institution, relationship, title),
    ]
    if not approved:
        lines.append(f"未通過原因：{reason}")
        if advice:
            lines.append(f"審核意見：{advice}")
        lines.append("請登入後依建議修正，再重新送出。")
    outcome_en = "approved" if approved else "not approved"
    lines += ["", f"Hello,\nYour {what_en} was {outcome_en}."]
    if not approved:
        lines.append(f"Reason: {reason_en}.")
        if advice:
            lines.append(f"The reviewer's advice (in Chinese above): {advice}")
        lines.append("Please log in, fix it and send it again.")
    subject = f"家庭聯絡簿審核結果通知：{result} Familybook: {what_en} {outcome_en}"
    return Email(to, subject, "\n".join(lines) + SIGNATURE)


def suspension(*, to: str, until: datetime, strikes: int) -> Email:
    body = (
        "您好：\n"
        f"您發佈的家庭聯絡簿已累計 {strikes} 次審核未通過，依機關規定暫停發佈至 "
        f"{taiwan_time_zh(until)}。\n"
        "暫停期間仍可查看機關聯絡簿。如有疑問請洽機關社工。\n\n"
        f"Hello,\n{strikes} of your posts were not approved, so posting is suspended until "
        f"{taiwan_time_en(until)}. You can still read the institution's book."
    )
    return Email(to, "家庭聯絡簿暫停通知 Familybook: posting suspended", body + SIGNATURE)


def institution_post(*, to: str, institution: str, title: str) -> Email:
    body = (
        "您好：\n"
        f"{institution}在【家庭聯絡簿】發佈了一則給您的機關聯絡簿：「{title}」。\n"
        "請登入後點選「查看機關聯絡簿」閱讀。\n\n"
        f'Hello,\n{institution} published an entry for you: "{title}". '
        "Log in and open the institution's book to read it."
    )
    return Email(
        to,
        "家庭聯絡簿：機關聯絡簿新訊息 Familybook: a new entry from the institution",
        body + SIGNATURE,
    )
