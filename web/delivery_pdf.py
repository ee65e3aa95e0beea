"""Approved posts as a printable PDF: one A4 page per post, what staff hand to the inmate.

Drawn with reportlab in a TrueType Chinese font that is embedded (subset) in the file, so the
page prints the same on any staff printer and its text can be searched and copied. Photos are
the checks' sanitized copies (no EXIF), scaled to fit below the text.
"""

import io
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from moderation.errors import ErrorCode, Unavailable
from usecases.review.deliveries import DeliverySheet

FONT = "FamilybookCJK"
MARGIN = 56  # points: about 2 cm, inside every printer's unprintable border
TITLE_SIZE, TEXT_SIZE, SMALL_SIZE = 18, 13, 10
LEADING = 1.45
PHOTO_GAP = 10


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
    sheets: list[DeliverySheet], photo_path: Callable[[str], Path], font: Path, font_index: int
) -> bytes:
    """The PDF of the sheets, one page each, in their order."""
    _register(str(font), font_index)
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4, pageCompression=1, invariant=True)
    canvas.setTitle("家庭聯絡簿 交付收容人")
    for sheet in sheets:
        _page(canvas, sheet, [ImageReader(str(photo_path(key))) for key in sheet.photo_keys])
        canvas.showPage()
    canvas.save()
    return out.getvalue()
