"""How an inmate is shown to families: callsign and a masked name (`7375 王○○`)."""

from moderation.errors import ErrorCode, InvalidInput

MASK = "○"


def mask_name(name: str) -> str:
    name = name.strip()
    if not name:
        return ""
    return name[0] + MASK * max(len(name) - 1, 1)


def ensure_callsign_format(raw: str) -> str:
    """A callsign (呼號) is 4 or 6 digits (the portal: 「請輸入四或六碼數字」)."""
    callsign = raw.strip()
    if callsign.isascii() and callsign.isdigit() and len(callsign) in (4, 6):
        return callsign
    zh, en = "呼號請輸入四或六碼數字。", "A callsign is 4 or 6 digits."
    raise InvalidInput(
        code=ErrorCode.CALLSIGN_FORMAT, message=zh, message_en=en, fields={"callsign": f"{zh} {en}"}
    )
