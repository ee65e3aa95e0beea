"""Things in a submission a reviewer should look at twice. Flags only: a person decides."""

import re
from enum import StrEnum


class FlagCode(StrEnum):
    CONTAINS_PHONE_NUMBER = "contains_phone_number"
    CONTAINS_LINK = "contains_link"
    CONTAINS_CONTACT_ID = "contains_contact_id"
    #: Writing found in a post's photo (its phone numbers and links are flagged as well).
    PHOTO_CONTAINS_TEXT = "photo_contains_text"
    #: What OCR read from the documents against what the family declared, one entry a field.
    OCR_SUMMARY = "ocr_summary"
    #: OCR was tried its full number of times and stopped; compare the rest by eye.
    OCR_GAVE_UP = "ocr_gave_up"


_PHONE = re.compile(r"(?<!\d)(?:\+?886[-\s]?|0)\d(?:[-\s]?\d){7,9}(?!\d)")
_LINK = re.compile(r"(?i)\b(?:https?://|www\.)\S+|\b[a-z0-9-]+\.(?:com|net|org|tw|io|me|cc)\b")
_LINE_ID = re.compile(r"(?i)\b(?:line|ig|wechat|微信|賴)\s*(?:id)?\s*[:：]\s*\S+")


def flag(code: FlagCode, message: str, message_en: str) -> dict[str, str]:
    return {"code": code.value, "message": message, "message_en": message_en}


def text_flags(*texts: str | None) -> list[dict[str, str]]:
    joined = "\n".join(t for t in texts if t)
    found = []
    if _PHONE.search(joined):
        found.append(
            flag(
                FlagCode.CONTAINS_PHONE_NUMBER,
                "內容含有電話號碼。",
                "The text contains a phone number.",
            )
        )
    if _LINK.search(joined):
        found.append(flag(FlagCode.CONTAINS_LINK, "內容含有網址。", "The text contains a link."))
    if _LINE_ID.search(joined):
        found.append(
            flag(
                FlagCode.CONTAINS_CONTACT_ID,
                "內容含有通訊軟體帳號。",
                "The text contains a messaging-app ID.",
            )
        )
    return found


def without(flags: list[dict[str, str]] | None, *codes: FlagCode) -> list[dict[str, str]]:
    """The flags but those of `codes` (a re-run replaces its own flags, never another's)."""
    return [f for f in (flags or []) if f.get("code") not in codes]
