"""The words of every email, Traditional Chinese first and English beside (SPEC: Emails).

Pure functions: they return a subject and a plain-text body; the outbox stores and sends them.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from moderation.institutions import contact_window
from moderation.kinds import SubmissionKind
from moderation.taiwan_time import taiwan_time_en, taiwan_time_zh

SIGNATURE = "\n\n法務部矯正署 家庭聯絡簿\nFamily contact book (Familybook)\n"
#: The portal's name in the seeds' emails: 「您於【便民服務入口網】…」.
PORTAL = "便民服務入口網"
#: The seed's subject of every review result: 「遠距接見入口網家庭聯絡簿審核結果通知」.
RESULT_SUBJECT = "遠距接見入口網家庭聯絡簿審核結果通知"


def sentence_en(text: str) -> str:
    """An English sentence ending in one full stop, whether or not `text` had its own."""
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else text + "."


#: An institution's contacts as stored: [{name, title, phone, extension}].
Contacts = Sequence[dict[str, Any]]


@dataclass(frozen=True)
class Email:
    to: str
    subject: str
    body: str


def verification(*, to: str, link: str, minutes: int) -> Email:
    body = (
        "您好：\n"
        f"您於【{PORTAL}】註冊帳號成功，請點選下方連結進行帳號驗證。\n"
        f"{link}\n"
        f"*此驗證信將於{minutes}分鐘後失效，失效後請重新申請。\n\n"
        "Hello,\nYour Familybook account was created. Open the link above to verify your "
        f"email address. The link expires in {minutes} minutes; after that, ask for a new one."
    )
    return Email(to, f"{PORTAL}註冊通知 Familybook: verify your email", body + SIGNATURE)


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
    # One 家庭聯絡簿 in the sentence, as in the seed (「…發佈家庭連絡簿審核結果為…」)
    what = "申請家庭聯絡簿服務項目" if is_application else "發佈家庭聯絡簿"
    what_en = "service application" if is_application else "contact-book post"
    result = "審核通過" if approved else "審核未通過"
    lines = [
        "您好：",
        f"您於【{PORTAL}】{what}審核結果為「{result}」。",
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
        lines.append(sentence_en(f"Reason: {reason_en}"))
        if advice:
            lines.append(f"The reviewer's advice (in Chinese above): {advice}")
        lines.append("Please log in, fix it and send it again.")
    subject = f"{RESULT_SUBJECT}：{result} Familybook: {what_en} {outcome_en}"
    return Email(to, subject, "\n".join(lines) + SIGNATURE)


def reopened(
    *,
    to: str,
    kind: SubmissionKind,
    was_approved: bool,
    institution: str,
    relationship: str,
    title: str | None = None,
    strike_withdrawn: bool = False,
) -> Email:
    """An administrator sent a decided item back to review (API.md 1.1, reopen): the family's
    status reads 審核中 again, so it learns why from us rather than from a changed page. The
    administrator's reason is an internal note and is not in it."""
    is_application = kind == SubmissionKind.APPLICATION
    what = "申請家庭聯絡簿服務項目" if is_application else "發佈家庭聯絡簿"
    what_en = "service application" if is_application else "contact-book post"
    result = "審核通過" if was_approved else "審核未通過"
    result_en = "approval" if was_approved else "rejection"
    lines = [
        "您好：",
        f"您於【{PORTAL}】{what}的審核結果「{result}」已由機關撤回，重新審核，目前狀態為「審核中」。",
        "申請內容：" if is_application else "聯絡簿內容：",
        _summary(institution, relationship, title),
    ]
    if strike_withdrawn:
        lines.append("這次審核未通過紀錄已撤銷，不列入累計次數。")
    if was_approved and is_application:
        lines.append("重新審核期間暫時無法發佈家庭聯絡簿。")
    lines += [
        "審核完成後將再以電子郵件通知您，您不需要重新送出。",
        "",
        f"Hello,\n{institution} withdrew the {result_en} of your {what_en} and is reviewing it "
        "again; its status is under review.",
    ]
    if strike_withdrawn:
        lines.append("The rejection no longer counts as a strike against you.")
    if was_approved and is_application:
        lines.append("You cannot post until the review is done.")
    lines.append("We will email you the new result; you need not send anything again.")
    subject = f"家庭聯絡簿重新審核通知 Familybook: {what_en} under review again"
    return Email(to, subject, "\n".join(lines) + SIGNATURE)


def suspension(
    *, to: str, until: datetime, strikes: int, institution: str = "", contacts: Contacts = ()
) -> Email:
    where = f"{institution}的" if institution else ""
    where_en = f" to {institution}" if institution else ""
    window, window_en = contact_window(list(contacts))
    body = (
        "您好：\n"
        f"您發佈給{where}家庭聯絡簿已累計 {strikes} 次審核未通過，依機關規定暫停發佈至 "
        f"{taiwan_time_zh(until)}。\n"
        f"暫停期間仍可查看機關聯絡簿。如有疑問請洽機關社工。\n{window}\n"
        f"Hello,\n{strikes} of your posts{where_en} were not approved, so posting is suspended "
        f"until {taiwan_time_en(until)}. You can still read the institution's book.\n{window_en}"
    )
    return Email(to, "家庭聯絡簿暫停通知 Familybook: posting suspended", body + SIGNATURE)


def suspension_lifted(*, to: str, institution: str) -> Email:
    body = (
        "您好：\n"
        f"{institution}已解除您的家庭聯絡簿發佈暫停，現在即可再發佈。\n\n"
        f"Hello,\n{institution} lifted the suspension of your posting; you may post again."
    )
    return Email(to, "家庭聯絡簿暫停解除通知 Familybook: suspension lifted", body + SIGNATURE)


def needs_fix(
    *, to: str, kind: SubmissionKind, institution: str, reasons: list[dict[str, str]]
) -> Email:
    """The automated checks sent it back: what to fix (never a rejection, never a strike)."""
    is_application = kind == SubmissionKind.APPLICATION
    what = "申請家庭聯絡簿服務項目" if is_application else "發佈家庭聯絡簿"
    what_en = "service application" if is_application else "contact-book post"
    fixes = "\n".join(f"．{r['message']}" for r in reasons)
    fixes_en = "\n".join(f"- {sentence_en(r['message_en'])}" for r in reasons)
    body = (
        "您好：\n"
        f"您於【{PORTAL}】{what}（{institution}）的檔案需要補件，尚未送交審核：\n"
        f"{fixes}\n"
        "請登入後依說明修正，再重新送出。這不算審核未通過。\n\n"
        f"Hello,\nYour {what_en} to {institution} needs fixing before it can be reviewed:\n"
        f"{fixes_en}\nPlease log in, fix it and send it again. This is not a rejection."
    )
    return Email(to, f"家庭聯絡簿待補件通知 Familybook: {what_en} needs fixing", body + SIGNATURE)


def appeal_decided(*, to: str, institution: str, overruled: bool, title: str | None) -> Email:
    result = "申訴成立，這次審核未通過紀錄已撤銷" if overruled else "申訴未成立，維持原審核結果"
    result_en = (
        "your appeal was upheld and the strike withdrawn"
        if overruled
        else "your appeal was not upheld; the decision stands"
    )
    about = f"「{title}」" if title else ""
    body = (
        "您好：\n"
        f"您對{institution}家庭聯絡簿{about}審核未通過提出的申訴已處理：{result}。\n\n"
        f"Hello,\n{institution} decided your appeal: {result_en}."
    )
    return Email(to, "家庭聯絡簿申訴結果通知 Familybook: appeal decided", body + SIGNATURE)


def service_ended(
    *,
    to: str,
    institution: str,
    inmate: str,
    ended: bool,
    reason: tuple[str, str],
    contacts: Contacts = (),
) -> Email:
    """A service ended (or an application withdrawn): the family learns why, and that it may
    apply again."""
    what = "家庭聯絡簿服務已終止" if ended else "家庭聯絡簿服務項目申請已撤回"
    what_en = "contact-book service has ended" if ended else "service application was withdrawn"
    window, window_en = contact_window(list(contacts))
    body = (
        "您好：\n"
        f"您對{institution}收容人 {inmate} 的{what}（原因：{reason[0]}）。\n"
        f"如需再使用，請重新提出服務項目申請；如有疑問請洽機關。\n{window}\n"
        f"Hello,\nYour {what_en} for {inmate} at {institution} ({reason[1]}). "
        f"To use the contact book again, apply anew.\n{window_en}"
    )
    subject = (
        "家庭聯絡簿服務終止通知 Familybook: service ended"
        if ended
        else "家庭聯絡簿申請撤回通知 Familybook: application withdrawn"
    )
    return Email(to, subject, body + SIGNATURE)


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
