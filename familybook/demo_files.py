"""Sample documents for `familybook demo`, so a newcomer can try an application with curl
without their own ID card: the demo family's card front, household register and a photo,
drawn with Pillow and a CJK font (Debian's fonts-noto-cjk)."""

from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT_PATHS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
)

#: Who the demo family is (the README's curl registers this person).
APPLICANT = {"name": "王小明", "national_id": "A123456789", "birth_roc": "民國74年2月3日"}
#: The register of the inmate's household, headed by the inmate (callsign 7375, 王大明).
REGISTER = [
    ("戶長", "王大明", "民國70年5月6日", "A100000005"),
    ("配偶", APPLICANT["name"], APPLICANT["birth_roc"], APPLICANT["national_id"]),
    ("長子", "王小寶", "民國105年4月1日", "A100000014"),
]


@lru_cache
def cjk_font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """Noto Sans CJK if installed (scripts/setup.sh installs it), else Pillow's own font."""
    for path in FONT_PATHS:
        if Path(path).exists():
            return ImageFont.truetype(path, size, index=0)
    return ImageFont.load_default(size)


def text_page(lines: list[str], size: tuple[int, int], text_size: int) -> Image.Image:
    """A white page with black lines of text, like a scanned document."""
    img = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(img)
    y = size[1] // 12
    for line in lines:
        draw.text((size[0] // 12, y), line, fill="black", font=cjk_font(text_size))
        y += int(text_size * 1.8)
    return img


def write_demo_files(folder: Path) -> dict[str, Path]:
    """Write the three files (again, if they exist) and say where they are."""
    folder.mkdir(parents=True, exist_ok=True)
    card = text_page(
        [
            "中華民國國民身分證",
            f"姓名 {APPLICANT['name']}",
            f"出生年月日 {APPLICANT['birth_roc']}",
            f"統一編號 {APPLICANT['national_id']}",
        ],
        (1280, 812),
        44,
    )
    # An A4 page at 300 dpi, as a scanner at a service counter would make it.
    register = text_page(
        ["戶籍謄本", "稱謂　姓名　出生日期　統一編號", *("　".join(row) for row in REGISTER)],
        (2480, 3508),
        64,
    )
    photo = Image.new("RGB", (1200, 900), (120, 170, 220))
    ImageDraw.Draw(photo).text((60, 60), "全家福", fill="black", font=cjk_font(90))
    # Taitung asks for the applicant's clear front photo (申請人正面清晰照片).
    face = Image.new("RGB", (900, 1200), (235, 225, 210))
    ImageDraw.Draw(face).ellipse((250, 250, 650, 750), fill=(200, 160, 130))
    ImageDraw.Draw(face).text((200, 900), "申請人正面照", fill="black", font=cjk_font(80))
    paths = {
        "id_card": folder / "id-card.jpg",
        "household": folder / "household.pdf",
        "photo": folder / "photo.jpg",
        "applicant": folder / "applicant.jpg",
    }
    face.save(paths["applicant"], "JPEG", quality=88)
    card.save(paths["id_card"], "JPEG", quality=90)
    register.save(paths["household"], "PDF", resolution=300)
    photo.save(paths["photo"], "JPEG", quality=88)
    return paths
