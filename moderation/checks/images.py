"""Images: size from the header first (pixel bombs), then a full decode, then a clean copy."""

import warnings

from PIL import Image, ImageOps, UnidentifiedImageError

from moderation.checks.base import (
    DOCUMENT_CATEGORIES,
    CheckContext,
    CheckOutcome,
    FileFacts,
    FileUnderCheck,
    fail,
    ok,
)

IMAGE_TYPES = {"image/png": "PNG", "image/jpeg": "JPEG"}
PREVIEW_SIZE = (480, 480)
JPEG_QUALITY = 90


def _refuse_unreadable(file: FileUnderCheck) -> CheckOutcome:
    return fail(
        file.file_id,
        "image_unreadable",
        f"「{file.original_name}」無法完整開啟（可能已損壞或沒有傳完），請重新拍攝或匯出。",
        f"'{file.original_name}' cannot be opened in full (damaged or incomplete).",
    )


def check_image(file: FileUnderCheck, facts: FileFacts, ctx: CheckContext) -> list[CheckOutcome]:
    fmt = IMAGE_TYPES.get(facts.detected_type or "")
    if fmt is None:
        return []
    policy = ctx.policy
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(file.path, formats=[fmt]) as img:
                facts.width, facts.height = img.size
                if img.width * img.height > policy.max_image_pixels:
                    return [
                        fail(
                            file.file_id,
                            "image_too_many_pixels",
                            "圖片像素過多，請縮小尺寸（例如手機設定為一般畫質）後再上傳。",
                            "The image has too many pixels; resize it and upload again.",
                        )
                    ]
                img.load()
                clean = ImageOps.exif_transpose(img)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return [
            fail(
                file.file_id,
                "image_too_many_pixels",
                "圖片像素過多，請縮小尺寸後再上傳。",
                "The image has too many pixels; resize it and upload again.",
            )
        ]
    except (OSError, UnidentifiedImageError, ValueError, SyntaxError):
        return [_refuse_unreadable(file)]
    facts.width, facts.height = clean.size
    minimum = (
        policy.min_document_pixels_short_side
        if file.category in DOCUMENT_CATEGORIES
        else policy.min_photo_pixels_short_side
    )
    if min(clean.size) < minimum:
        return [
            fail(
                file.file_id,
                "image_resolution_too_low",
                f"「{file.original_name}」解析度太低（短邊需至少 {minimum} 像素），"
                "文字可能看不清楚，"
                "請靠近一點重新拍攝或用較高解析度掃描。",
                f"'{file.original_name}' is too small (short side under {minimum} px); "
                "take the photo closer or scan at a higher resolution.",
            )
        ]
    _write_sanitized(file, facts, clean, ctx)
    return [ok(file.file_id, "image_decodes"), ok(file.file_id, "image_resolution")]


def _write_sanitized(
    file: FileUnderCheck, facts: FileFacts, img: Image.Image, ctx: CheckContext
) -> None:
    """Re-encode from pixels only: no EXIF (GPS), XMP, comments or ICC carried over."""
    if img.mode not in ("RGB", "L"):
        img = (
            img.convert("RGBA").convert("RGB")
            if "A" in img.mode or img.mode == "P"
            else img.convert("RGB")
        )
    pixels = Image.new(img.mode, img.size)
    pixels.paste(img)
    target = ctx.work_dir / f"{file.file_id}.sanitized"
    if facts.detected_type == "image/png":
        pixels.save(target, "PNG", optimize=False)
        facts.sanitized_type = "image/png"
    else:
        pixels.save(target, "JPEG", quality=JPEG_QUALITY, subsampling=0)
        facts.sanitized_type = "image/jpeg"
    facts.sanitized_path = target
    facts.ocr_images.append((target, None))
    preview = pixels.copy()
    preview.thumbnail(PREVIEW_SIZE)
    facts.preview_path = ctx.work_dir / f"{file.file_id}.preview"
    preview.save(facts.preview_path, "JPEG", quality=80)
