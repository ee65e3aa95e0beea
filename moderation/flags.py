"""Things in a post a reviewer should look at twice. Flags only: a person decides."""

import re

_PHONE = re.compile(r"(?<!\d)(?:\+?886[-\s]?|0)\d(?:[-\s]?\d){7,9}(?!\d)")
_LINK = re.compile(r"(?i)\b(?:https?://|www\.)\S+|\b[a-z0-9-]+\.(?:com|net|org|tw|io|me|cc)\b")
_LINE_ID = re.compile(r"(?i)\b(?:line|ig|wechat|微信|賴)\s*(?:id)?\s*[:：]\s*\S+")


def flag(code: str, message: str, message_en: str) -> dict[str, str]:
    return {"code": code, "message": message, "message_en": message_en}


def text_flags(*texts: str | None) -> list[dict[str, str]]:
    joined = "\n".join(t for t in texts if t)
    found = []
    if _PHONE.search(joined):
        found.append(
            flag("contains_phone_number", "內容含有電話號碼。", "The text contains a phone number.")
        )
    if _LINK.search(joined):
        found.append(flag("contains_link", "內容含有網址。", "The text contains a link."))
    if _LINE_ID.search(joined):
        found.append(
            flag(
                "contains_contact_id",
                "內容含有通訊軟體帳號。",
                "The text contains a messaging-app ID.",
            )
        )
    return found
