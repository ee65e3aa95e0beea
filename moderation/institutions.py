"""An institution's contact window (聯繫窗口), which refusals that say 「請洽機關」 point to.

Taitung's programme rules list theirs: 「李社工師，電話:(089) 581-014 分機 119；黃輔導員，電話:
(089) 581-014 分機 112」.
"""

from dataclasses import asdict, dataclass
from typing import Any

from moderation.errors import ErrorCode, FamilybookError, InvalidInput

#: The words a refusal uses when the family should ask the institution.
ASK_THE_INSTITUTION = "請洽機關"


@dataclass(frozen=True)
class Contact:
    name: str
    title: str
    phone: str
    extension: str = ""

    def to_json(self) -> dict[str, str]:
        return asdict(self)


def parse_contact(raw: str) -> Contact:
    """`name|title|phone|extension` as the command line takes it (the extension optional)."""
    parts = [p.strip() for p in raw.split("|")]
    if len(parts) not in (3, 4) or not all(parts[:3]):
        raise InvalidInput(
            code=ErrorCode.INVALID_OPTION,
            message=f"--contact 的格式是「姓名|職稱|電話|分機」：{raw}",
            message_en=f"--contact takes name|title|phone|extension, not {raw!r}",
        )
    return Contact(*parts)


def point_to_contacts(exc: FamilybookError, contacts: list[dict[str, Any]]) -> None:
    """A refusal telling the family to ask the institution carries who to ask."""
    if ASK_THE_INSTITUTION in exc.message and contacts:
        exc.extra.setdefault("contacts", contacts)


def contact_window(contacts: list[dict[str, Any]]) -> tuple[str, str]:
    """The contact window as a sentence, e.g. 「聯繫窗口：李社工師，電話 (089) 581-014 分機 119。」;
    empty when the institution names none."""
    if not contacts:
        return "", ""
    zh = "；".join(
        f"{c['name']}，電話 {c['phone']}"
        + (f" 分機 {c['extension']}" if c.get("extension") else "")
        for c in contacts
    )
    en = "; ".join(
        f"{c['name']} ({c['title']}), {c['phone']}"
        + (f" ext. {c['extension']}" if c.get("extension") else "")
        for c in contacts
    )
    return f"聯繫窗口：{zh}。\n", f"Contact: {en}.\n"
