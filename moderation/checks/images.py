"""Images: size from the header first (pixel bombs), then a full decode, then a clean copy.

Order matters: `Image.open` reads only the header, so the pixel ceiling is enforced before a
single pixel is allocated; `load()` then decodes everything, which is what catches truncated
files (`verify()` would not). Only the JPEG and PNG decoders are ever offered the bytes: most
of Pillow's CVEs are in other formats' decoders.
"""

import warnings

from PIL import Image, ImageOps, UnidentifiedImageError

from moderation.checks import imaging
from moderation.checks.base import (
    DOCUMENT_CATEGORIES,
    CheckCode,
    CheckContext,
    CheckOutcome,
    FileFacts,
    FileUnderCheck,
    display_name,
    fail,
    note,
    ok,
    work_path,
)
from moderation.document_hash import perceptual_hash

IMAGE_TYPES = {"image/png": "PNG", "image/jpeg": "JPEG"}
#: What a broken file raises inside Pillow's JPEG and PNG plugins (SyntaxError: bad chunks).
DECODE_ERRORS = (OSError, UnidentifiedImageError, ValueError, SyntaxError, EOFError)


class TooManyPixels(Exception):
    """The header declares more pixels than the policy allows."""


def check_image(file: FileUnderCheck, facts: FileFacts, ctx: CheckContext) -> list[CheckOutcome]:
    fmt = IMAGE_TYPES.get(facts.detected_type or "")
    if fmt is None:
        return []
    name = display_name(file.original_name)
    try:
        img, frames, dpi = _decode(file, facts, ctx)
    except (TooManyPixels, Image.DecompressionBombError, Image.DecompressionBombWarning):
        return [_too_many_pixels(file, facts, ctx)]
    except DECODE_ERRORS:
        return [
            fail(
                file.file_id,
                CheckCode.IMAGE_UNREADABLE,
                f"「{name}」無法完整開啟（可能已損壞或沒有傳完），請重新拍攝或重新匯出後再上傳。",
                f"'{name}' cannot be opened in full (damaged or incomplete); take the photo "
                "again or export it again.",
            )
        ]
    facts.width, facts.height = img.size
    too_small = _resolution(file, img, ctx)
    if too_small:
        return [too_small]
    _write_outputs(file, facts, img, fmt, dpi, ctx)
    out = [ok(file.file_id, CheckCode.IMAGE_DECODES), ok(file.file_id, CheckCode.IMAGE_RESOLUTION)]
    if frames > 1:
        out.append(
            note(
                file.file_id,
                CheckCode.IMAGE_FIRST_FRAME_ONLY,
                f"「{name}」含有 {frames} 張畫面（動畫或多張合一），只保留第一張。",
                f"'{name}' holds {frames} frames (animation or multi-picture); only the "
                "first is kept.",
            )
        )
    return out


def _decode(
    file: FileUnderCheck, facts: FileFacts, ctx: CheckContext
) -> tuple[Image.Image, int, int | None]:
    """The fully decoded, upright first frame, how many frames the file has, its DPI."""
    with warnings.catch_warnings():
        # Pillow only *warns* between 89 and 179 megapixels; a warning must stop us too.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        with Image.open(file.path, formats=[IMAGE_TYPES[facts.detected_type or ""]]) as img:
            facts.width, facts.height = img.size
            if img.width * img.height > ctx.policy.max_image_pixels:
                raise TooManyPixels
            frames = getattr(img, "n_frames", 1)
            img.load()
            dpi = imaging.believable_dpi(img.info)
            return _upright(img), frames, dpi


def _upright(img: Image.Image) -> Image.Image:
    """Apply the EXIF orientation; a broken EXIF block leaves the image as it was stored."""
    try:
        return ImageOps.exif_transpose(img) or img
    except (*DECODE_ERRORS, KeyError, TypeError, AttributeError):
        return img.copy()


def _too_many_pixels(file: FileUnderCheck, facts: FileFacts, ctx: CheckContext) -> CheckOutcome:
    name = display_name(file.original_name)
    megapixels = ctx.policy.max_image_pixels // 1_000_000
    # Past twice its own ceiling Pillow refuses in `open`, before we learn the size
    size = f"{facts.width}×{facts.height}，" if facts.width else ""
    size_en = f"{facts.width}×{facts.height}; " if facts.width else ""
    return fail(
        file.file_id,
        CheckCode.IMAGE_TOO_MANY_PIXELS,
        f"「{name}」的像素太多（{size}上限約 {megapixels} 百萬像素），"
        "請把照片縮小（例如手機相機設定為一般畫質）後再上傳。",
        f"'{name}' has too many pixels ({size_en}the limit is about {megapixels} megapixels); "
        "resize it and upload again.",
    )


def _resolution(file: FileUnderCheck, img: Image.Image, ctx: CheckContext) -> CheckOutcome | None:
    document = file.category in DOCUMENT_CATEGORIES
    policy = ctx.policy
    minimum = (
        policy.min_document_pixels_short_side if document else policy.min_photo_pixels_short_side
    )
    if min(img.size) >= minimum:
        return None
    name = display_name(file.original_name)
    what = "文件上的字可能看不清楚" if document else "照片會太模糊"
    return fail(
        file.file_id,
        CheckCode.IMAGE_RESOLUTION_TOO_LOW,
        f"「{name}」解析度太低（{img.width}×{img.height}，短邊需至少 {minimum} 像素），{what}。"
        "請靠近一點、對焦清楚後重新拍攝，或用較高解析度掃描。",
        f"'{name}' is too small ({img.width}×{img.height}; the short side needs at least "
        f"{minimum} px). Take the photo closer and in focus, or scan at a higher resolution.",
    )


def _write_outputs(
    file: FileUnderCheck,
    facts: FileFacts,
    img: Image.Image,
    fmt: str,
    dpi: int | None,
    ctx: CheckContext,
) -> None:
    clean = imaging.pixels_only(imaging.to_display_mode(img))
    target = work_path(ctx, file, "sanitized")
    facts.sanitized_type = imaging.save_sanitized(clean, target, fmt)
    facts.sanitized_path = target
    facts.preview_path = work_path(ctx, file, "preview")
    imaging.save_preview(clean, facts.preview_path)
    facts.phash = perceptual_hash(clean)
    facts.ocr_images.append((target, dpi))
