"""Approved posts as a printable PDF: one A4 page per post, what staff hand to the inmate.

Drawn with reportlab in a TrueType Chinese font that is embedded (subset) in the file, so the
page prints the same on any staff printer and its text can be searched and copied. Photos are
the checks' sanitized copies (no EXIF), scaled to fit below the text.
"""

import io
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path

from PIL import Image
from reportlab import rl_config
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from moderation.errors import ErrorCode, Unavailable
from usecases.review.deliveries import DeliverySheet

#: Binary streams: ASCII85 would make reportlab encode every photo in pure Python (its C
#: accelerator is not in the wheel), seconds a page, for files no one reads as text.
rl_config.useA85 = 0

FONT = "FamilybookCJK"
MARGIN = 56  # points: about 2 cm, inside every printer's unprintable border
TITLE_SIZE, TEXT_SIZE, SMALL_SIZE = 18, 13, 10
LEADING = 1.45
PHOTO_GAP = 10
#: The longer side of a printed photo, in pixels (A4's width at about 200 dpi).
MAX_PHOTO_PX = 1600
PHOTO_QUALITY = 85
#: What the checks' sanitized copies and previews are.
PHOTO_FORMATS = ("JPEG", "PNG")


@lru_cache(maxsize=4)
def _register(path: str, index: int) -> str:
    try:
        pdfmetrics.registerFont(TTFont(FONT, path, subfontIndex=index))
    except Exception as exc:  # reportlab raises its own TTFError or OSError for a bad font
        raise Unavailable(
            code=ErrorCode.PRINT_UNAVAILABLE,
            message="無法列印：找不到可用的中文字型，請通知系統管理者。",
            message_en=f"Printing is unavailable: no usable Chinese font at {path} ({exc}).",
        ) from exc
    return FONT


def _wrap(text: str, width: float, size: float) -> list[str]:
    """Lines that fit `width`, broken between any two characters (Chinese has no spaces) and
    at the writer's own line breaks."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line = ""
        for char in paragraph:
            if line and pdfmetrics.stringWidth(line + char, FONT, size) > width:
                lines.append(line)
                line = ""
            line += char
        lines.append(line)
    return lines


def _text(canvas: Canvas, lines: Iterable[str], y: float, size: float) -> float:
    canvas.setFont(FONT, size)
    for line in lines:
        y -= size * LEADING
        canvas.drawString(MARGIN, y, line)
    return y


def _photos(canvas: Canvas, images: list[ImageReader], top: float) -> None:
    """Each photo in an equal share of the space left, scaled down (never up) to fit it."""
    if not images:
        return
    width = A4[0] - 2 * MARGIN
    share = (top - MARGIN - PHOTO_GAP * (len(images) - 1)) / len(images)
    y = top
    for image in images:
        w, h = image.getSize()
        scale = min(width / w, share / h, 1.0)
        dw, dh = w * scale, h * scale
        canvas.drawImage(image, MARGIN + (width - dw) / 2, y - dh, dw, dh)
        y -= share + PHOTO_GAP


def _image(data: bytes) -> ImageReader:
    """The sanitized photo scaled to what an A4 page prints at about 200 dpi, as a JPEG that
    the PDF embeds as it is: a phone's 12 megapixels, re-compressed raw by reportlab, would
    take seconds a page and make a batch tens of megabytes for no visible gain."""
    with Image.open(io.BytesIO(data), formats=PHOTO_FORMATS) as opened:
        w, h = opened.size
        fit = min(1.0, MAX_PHOTO_PX / max(w, h))
        opened.draft("RGB", (int(w * fit), int(h * fit)))  # a JPEG decodes at 1/2…1/8 scale
        picture = opened.convert("RGB")
    picture.thumbnail((MAX_PHOTO_PX, MAX_PHOTO_PX), reducing_gap=2.0)
    encoded = io.BytesIO()
    picture.save(encoded, "JPEG", quality=PHOTO_QUALITY)
    encoded.seek(0)
    return ImageReader(encoded)


def _page(canvas: Canvas, sheet: DeliverySheet, images: list[ImageReader]) -> None:
    width = A4[0] - 2 * MARGIN
    y = A4[1] - MARGIN
    y = _text(canvas, [f"{sheet.institution}　家庭聯絡簿"], y, SMALL_SIZE)
    y = _text(canvas, [f"收容人：{sheet.callsign}　{sheet.inmate_name}"], y - 6, TEXT_SIZE)
    y = _text(canvas, [f"寄件人：{sheet.family_name}（{sheet.relationship}）"], y, TEXT_SIZE)
    dates = f"寄出日期：{sheet.submitted_on.isoformat()}"
    if sheet.approved_on:
        dates += f"　審核通過：{sheet.approved_on.isoformat()}"
    y = _text(canvas, [dates], y, TEXT_SIZE)
    canvas.line(MARGIN, y - 8, A4[0] - MARGIN, y - 8)
    y = _text(canvas, _wrap(sheet.title, width, TITLE_SIZE), y - 12, TITLE_SIZE)
    y = _text(canvas, _wrap(sheet.body, width, TEXT_SIZE), y - 6, TEXT_SIZE)
    _photos(canvas, images, y - 16)
    canvas.setFont(FONT, SMALL_SIZE - 2)
    canvas.drawRightString(A4[0] - MARGIN, MARGIN / 2, sheet.post_id)


def render(
    sheets: list[DeliverySheet], photo_bytes: Callable[[str], bytes], font: Path, font_index: int
) -> bytes:
    """The PDF of the sheets, one page each, in their order. `photo_bytes` gives a sanitized
    photo's plaintext (the store encrypts what it keeps)."""
    _register(str(font), font_index)
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4, pageCompression=1, invariant=True)
    canvas.setTitle("家庭聯絡簿 交付收容人")
    for sheet in sheets:
        _page(canvas, sheet, [_image(photo_bytes(key)) for key in sheet.photo_keys])
        canvas.showPage()
    canvas.save()
    return out.getvalue()
