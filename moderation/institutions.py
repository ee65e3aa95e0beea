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
